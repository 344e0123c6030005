using System.Globalization;

namespace OpenFlow;

/// <summary>A 48-bit Ethernet address, held in the low 48 bits of a ulong.</summary>
public readonly record struct MacAddress : IComparable<MacAddress>
{
    public const ulong Mask48 = 0xffff_ffff_ffffUL;

    public MacAddress(ulong value)
    {
        Value = value & Mask48;
    }

    public ulong Value { get; }

    public static MacAddress Broadcast { get; } = new(Mask48);

    public static MacAddress Zero { get; } = new(0);

    /// <summary>The multicast bit (least significant bit of the first octet).</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    public bool IsBroadcast => Value == Mask48;

    public static MacAddress Read(ReadOnlySpan<byte> six)
    {
        ulong v = 0;
        for (var i = 0; i < 6; i++)
        {
            v = (v << 8) | six[i];
        }

        return new MacAddress(v);
    }

    public void Write(Span<byte> six)
    {
        var v = Value;
        for (var i = 5; i >= 0; i--)
        {
            six[i] = (byte)v;
            v >>= 8;
        }
    }

    public override string ToString() => string.Create(17, Value, static (span, v) =>
    {
        const string hex = "0123456789abcdef";
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(v >> (8 * (5 - i)));
            span[i * 3] = hex[b >> 4];
            span[(i * 3) + 1] = hex[b & 0xf];
            if (i < 5)
            {
                span[(i * 3) + 2] = ':';
            }
        }
    });

    /// <summary>
    /// Exactly six two-digit hex groups separated by ':' or '-' (17 characters, no spaces): the form
    /// REST takes. Shorter groups ("0:1:2:3:4:5") and surrounding whitespace are refused.
    /// </summary>
    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null || text.Length != 17)
        {
            return false;
        }

        ulong v = 0;
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

            v = (v << 8) | b;
        }

        mac = new MacAddress(v);
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"not a MAC address: '{text}'");

    public int CompareTo(MacAddress other) => Value.CompareTo(other.Value);
}
