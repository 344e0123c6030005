namespace OpenFlow.Matching;

/// <summary>
/// Collects match fields in any order and builds a <see cref="Match"/> in OVS's canonical order,
/// validated (<see cref="Match.Validate"/>): equal matches encode to equal bytes, and the bytes equal
/// what <c>ovs-ofctl</c> writes for the same flow.
/// </summary>
public sealed class MatchBuilder
{
    private readonly List<OxmField> _fields = [];

    public MatchBuilder Add(OxmField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _fields.Add(field);
        return this;
    }

    public MatchBuilder AddRange(IEnumerable<OxmField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var f in fields)
        {
            Add(f);
        }

        return this;
    }

    public int Count => _fields.Count;

    /// <summary>Canonical, validated match; throws <see cref="Wire.OfpDecodeException"/> (BAD_MATCH) when invalid.</summary>
    public Match Build() => Match.Canonical(_fields);
}
