using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Controller.Api;

/// <summary>Text forms used by the REST API: MACs "aa:bb:cc:dd:ee:ff", datapath ids as 16 hex digits.</summary>
internal static class WireFormat
{
    public static string Mac(ulong mac) => string.Create(17, mac, static (span, m) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(m >> (8 * (5 - i)));
            b.TryFormat(span[(i * 3)..], out _, "x2", CultureInfo.InvariantCulture);
            if (i < 5)
            {
                span[(i * 3) + 2] = ':';
            }
        }
    });

    /// <summary>Six two-digit hex groups separated by ':' or '-'.</summary>
    public static bool TryParseMac(string? text, out ulong mac)
    {
        mac = 0;
        if (text is null || text.Length != 17)
        {
            return false;
        }

        for (var i = 0; i < 6; i++)
        {
            if (i < 5 && text[(i * 3) + 2] is not (':' or '-'))
            {
                return false;
            }

            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            mac = (mac << 8) | b;
        }

        return true;
    }

    public static string DatapathId(ulong dpid) => dpid.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Up to 16 hex digits, optionally "0x"-prefixed or colon-separated as ovs-ofctl prints them.</summary>
    public static bool TryParseDatapathId(string? text, out ulong dpid)
    {
        dpid = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim().Replace(":", "", StringComparison.Ordinal);
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }

        return t.Length is > 0 and <= 16
            && ulong.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out dpid);
    }

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
