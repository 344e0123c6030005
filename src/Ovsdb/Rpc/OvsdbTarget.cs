using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ovsdb.Rpc;

/// <summary>Parses OVS connection strings: <c>tcp:host:port</c>, <c>ssl:host:port</c>, <c>tcp:[v6]:port</c>, <c>unix:/path</c>.</summary>
public static class OvsdbTarget
{
    public const int DefaultPort = 6640;

    public static EndPoint Parse(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        if (target.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new UnixDomainSocketEndPoint(target["unix:".Length..]);
        }

        if (!target.StartsWith("tcp:", StringComparison.Ordinal) && !IsTls(target))
        {
            throw new FormatException($"'{target}' is not tcp:host:port, ssl:host:port or unix:path");
        }

        return ParseIpEndPoint(target["tcp:".Length..], DefaultPort);
    }

    /// <summary>
    /// True when <paramref name="target"/> has one of the forms <see cref="Parse"/> takes, checked without resolving a
    /// host name (a configuration check must not depend on DNS at start-up): a non-empty unix path; after tcp: or
    /// ssl:, an IP with or without a port, or a DNS host name with a port 1-65535.
    /// </summary>
    public static bool IsWellFormed(string? target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return false;
        }

        if (target.StartsWith("unix:", StringComparison.Ordinal))
        {
            return target.Length > "unix:".Length;
        }

        if (!target.StartsWith("tcp:", StringComparison.Ordinal) && !IsTls(target))
        {
            return false;
        }

        var rest = target["tcp:".Length..];
        if (IPAddress.TryParse(rest.Trim('[', ']'), out _) || (IPEndPoint.TryParse(rest, out var ep) && ep.Port > 0))
        {
            return true;
        }

        int colon = rest.LastIndexOf(':');
        return colon > 0
            && int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            && Uri.CheckHostName(rest[..colon]) == UriHostNameType.Dns;
    }

    /// <summary>True for <c>ssl:host:port</c>: the connection runs TLS (<see cref="OvsdbConnectionOptions.Secure"/>).</summary>
    public static bool IsTls(string target) => target.StartsWith("ssl:", StringComparison.Ordinal);

    /// <summary>Parses <c>ip:port</c>, <c>[v6]:port</c> or a bare IP (port defaulted).</summary>
    public static IPEndPoint ParseIpEndPoint(string text, int defaultPort)
    {
        if (IPEndPoint.TryParse(text, out var ep) && (ep.Port != 0 || text.EndsWith(":0", StringComparison.Ordinal)))
        {
            return ep;
        }

        if (IPAddress.TryParse(text.Trim('[', ']'), out var addr))
        {
            return new IPEndPoint(addr, defaultPort);
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536)
        {
            var host = text[..colon];
            var addresses = Dns.GetHostAddresses(host);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses.First(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6), port);
            }
        }

        throw new FormatException($"'{text}' is not ip:port");
    }
}
