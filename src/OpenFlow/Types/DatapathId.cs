using System.Globalization;

namespace OpenFlow;

/// <summary>A switch's 64-bit datapath id, shown as 16 hex digits (as ovs-ofctl does).</summary>
public readonly record struct DatapathId(ulong Value) : IComparable<DatapathId>
{
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses 16 hex digits, with or without colons or a 0x prefix.</summary>
    public static bool TryParse(string? text, out DatapathId id)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        if (s.Length is 0 or > 16 || !ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        id = new DatapathId(v);
        return true;
    }

    public int CompareTo(DatapathId other) => Value.CompareTo(other.Value);
}
