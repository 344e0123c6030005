using System.Globalization;
using System.Net;
using Apps.Model;

namespace Apps.Overlay;

/// <summary>
/// Neutron's tunnel port naming convention: <c>vxlan-c0a83202</c> / <c>gre-0a0a656e</c>, the type
/// then the remote IPv4 address as exactly 8 hex digits.
/// </summary>
public static class TunnelPortName
{
    public static bool TryParse(string? name, out TunnelType type, out IPAddress? remote)
    {
        type = default;
        remote = null;
        if (name is null)
        {
            return false;
        }

        string hex;
        if (name.StartsWith("vxlan-", StringComparison.Ordinal))
        {
            type = TunnelType.Vxlan;
            hex = name["vxlan-".Length..];
        }
        else if (name.StartsWith("gre-", StringComparison.Ordinal))
        {
            type = TunnelType.Gre;
            hex = name["gre-".Length..];
        }
        else
        {
            return false;
        }

        if (hex.Length != 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        remote = new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        return true;
    }

    /// <summary>The conventional name of a tunnel port to <paramref name="remote"/> (IPv4 only).</summary>
    public static string Format(TunnelType type, IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var b = remote.GetAddressBytes();
        if (b.Length != 4)
        {
            throw new ArgumentException("tunnel port names encode IPv4 addresses only", nameof(remote));
        }

        var prefix = type == TunnelType.Vxlan ? "vxlan-" : "gre-";
        return prefix + Convert.ToHexStringLower(b);
    }
}
