using System.Collections.Immutable;

namespace Apps.Plumbing;

/// <summary>
/// A port the controller owns on a bridge, with its single interface of the same name:
/// <c>patch</c> (options <c>peer</c>), <c>vxlan</c> / <c>gre</c> (options <c>key=flow</c>,
/// <c>remote_ip</c>, <c>local_ip</c>).
/// </summary>
public sealed record PortSpec(string Name, string InterfaceType, ImmutableSortedDictionary<string, string> Options)
{
    public bool Equals(PortSpec? other) =>
        other is not null
        && Name == other.Name
        && InterfaceType == other.InterfaceType
        && Options.Count == other.Options.Count
        && Options.SequenceEqual(other.Options);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(Name);
        h.Add(InterfaceType);
        foreach (var kv in Options)
        {
            h.Add(kv.Key);
            h.Add(kv.Value);
        }

        return h.ToHashCode();
    }
}
