using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Controller.Api;

/// <summary>
/// Strict IP text forms of the REST API. MACs and datapath ids are <see cref="OpenFlow.MacAddress"/> and
/// <see cref="OpenFlow.DatapathId"/>, whose text forms the whole controller shares.
/// </summary>
internal static class WireFormat
{
    /// <summary>IPv6 text (RFC 4291 forms, hex digits, colons, an embedded dotted IPv4 tail) without a zone id.</summary>
    public static bool TryParseIPv6(string? text, out IPAddress ip)
    {
        ip = IPAddress.IPv6None;
        if (text is null || text.Length > 45 || !text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
            || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        ip = parsed;
        return true;
    }

    /// <summary>
    /// Dotted decimal IPv4 only: four decimal numbers 0..255 without leading zeros. IPAddress.TryParse
    /// alone also takes "1", "::1", hex, and reads "010.000.000.001" as octal (8.0.0.1).
    /// </summary>
    public static bool TryParseIPv4(string? text, out IPAddress ip)
    {
        ip = IPAddress.None;
        if (text is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        var parts = 0;
        var value = -1;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || parts == 3)
                {
                    return false;
                }

                bytes[parts++] = (byte)value;
                (value, digits) = (-1, 0);
            }
            else if (c is >= '0' and <= '9')
            {
                if (digits == 3 || (digits == 1 && value == 0))
                {
                    return false; // too long, or a leading zero
                }

                value = (digits == 0 ? 0 : value * 10) + (c - '0');
                digits++;
                if (value > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (parts != 3 || digits == 0)
        {
            return false;
        }

        bytes[3] = (byte)value;
        ip = new IPAddress(bytes);
        return true;
    }
}
