using System.Collections.Immutable;

namespace Apps.Plumbing;

/// <summary>
/// A bridge the controller owns on a host: its datapath type (null: leave as it is), fail mode,
/// OpenFlow versions, controller targets, and the ports it must hold (ordered by name). Ports on
/// the bridge that are not listed and not owned by the controller are never touched.
/// </summary>
public sealed record BridgeSpec(
    string Name,
    string? DatapathType,
    string FailMode,
    ImmutableArray<string> Protocols,
    ImmutableArray<string> ControllerTargets,
    ImmutableArray<PortSpec> Ports)
{
    public bool Equals(BridgeSpec? other) =>
        other is not null
        && Name == other.Name
        && DatapathType == other.DatapathType
        && FailMode == other.FailMode
        && Protocols.SequenceEqual(other.Protocols)
        && ControllerTargets.SequenceEqual(other.ControllerTargets)
        && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(Name);
        h.Add(DatapathType);
        h.Add(FailMode);
        foreach (var p in Protocols)
        {
            h.Add(p);
        }

        foreach (var c in ControllerTargets)
        {
            h.Add(c);
        }

        foreach (var p in Ports)
        {
            h.Add(p);
        }

        return h.ToHashCode();
    }
}
