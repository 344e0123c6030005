using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Apps.Model;

namespace Apps.Overlay;

/// <summary>
/// Neutron's tunnel port naming convention: the type, a dash, then the remote endpoint. An IPv4 endpoint
/// is its address as exactly 8 hex digits (<c>vxlan-c0a83202</c>, <c>gre-0a0a656e</c>, <c>gnv-0a0a656e</c>);
/// an IPv6 endpoint does not fit in 15 characters, so it is the first characters of the lower-case
/// RFC 4648 base32 of the SHA-1 of the address's text, as many as the name has room for (9 after
/// <c>vxlan-</c>, 11 after <c>gre-</c> or <c>gnv-</c>). The hash cannot be read back: an IPv6 name is
/// matched against the known hosts' addresses (<see cref="Leads"/>).
/// </summary>
public static class TunnelPortName
{
    /// <summary>Linux interface names (and so OVS port names) are at most 15 bytes.</summary>
    public const int MaxLength = 15;

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Prefix(TunnelType type) => type switch
    {
        TunnelType.Vxlan => "vxlan",
        TunnelType.Gre => "gre",
        TunnelType.Geneve => "gnv",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tunnel type"),
    };

    /// <summary>
    /// Whether <paramref name="name"/> follows the convention; <paramref name="remote"/> is the remote address
    /// when the name spells it (IPv4), null for an IPv6 hash name.
    /// </summary>
    public static bool TryParse(string? name, out TunnelType type, out IPAddress? remote)
    {
        type = default;
        remote = null;
        if (name is null)
        {
            return false;
        }

        foreach (var t in Enum.GetValues<TunnelType>())
        {
            var prefix = Prefix(t) + "-";
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = name[prefix.Length..];
            if (rest.Length == 8 && uint.TryParse(rest, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            {
                type = t;
                remote = new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
                return true;
            }

            if (rest.Length == MaxLength - prefix.Length && rest.All(c => Base32Alphabet.Contains(c, StringComparison.Ordinal)))
            {
                type = t;
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a port named <paramref name="name"/> is the <paramref name="type"/> tunnel to <paramref name="remote"/>.</summary>
    public static bool Leads(string name, TunnelType type, IPAddress remote) =>
        string.Equals(name, Format(type, remote), StringComparison.Ordinal);

    /// <summary>The conventional name of the <paramref name="type"/> tunnel port to <paramref name="remote"/>.</summary>
    public static string Format(TunnelType type, IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var prefix = Prefix(type) + "-";
        if (remote.AddressFamily == AddressFamily.InterNetwork)
        {
            return prefix + Convert.ToHexStringLower(remote.GetAddressBytes());
        }

        if (remote.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("tunnel endpoints are IPv4 or IPv6 addresses", nameof(remote));
        }

        var digest = SHA1.HashData(Encoding.UTF8.GetBytes(remote.ToString()));
        return prefix + Base32(digest, MaxLength - prefix.Length);
    }

    private static string Base32(ReadOnlySpan<byte> data, int chars)
    {
        var sb = new StringBuilder(chars);
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && sb.Length < chars)
            {
                sb.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }

            if (sb.Length == chars)
            {
                break;
            }
        }

        return sb.ToString();
    }
}
