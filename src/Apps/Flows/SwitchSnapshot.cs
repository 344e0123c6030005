using System.Collections.Immutable;

namespace Apps.Flows;

/// <summary>What an app may know about one connected switch: its datapath id and its ports.</summary>
public sealed record SwitchSnapshot
{
    private readonly ImmutableArray<SwitchPort> _ports = [];

    public SwitchSnapshot(ulong datapathId, IEnumerable<SwitchPort> ports)
    {
        DatapathId = datapathId;
        Ports = [.. ports];
    }

    public ulong DatapathId { get; init; }

    public ImmutableArray<SwitchPort> Ports
    {
        get => _ports;
        init => _ports = value.IsDefault ? [] : value;
    }

    public SwitchPort? FindPort(string name)
    {
        foreach (var p in Ports)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    public bool Equals(SwitchSnapshot? other) =>
        other is not null && DatapathId == other.DatapathId && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(DatapathId);
        foreach (var p in Ports)
        {
            h.Add(p);
        }

        return h.ToHashCode();
    }
}
