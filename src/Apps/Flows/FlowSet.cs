using System.Collections;
using System.Collections.Immutable;

namespace Apps.Flows;

/// <summary>
/// An immutable set of flows that enumerates in a fixed order (table, then priority descending,
/// then match text), so that two computations over equal inputs list equal flows in equal order
/// and a change for one network shows up as a small, readable diff.
/// </summary>
public sealed class FlowSet : IReadOnlySet<FlowEntry>
{
    private readonly ImmutableArray<FlowEntry> _ordered;
    private readonly HashSet<FlowEntry> _set;

    public FlowSet(IEnumerable<FlowEntry> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        _set = [.. flows];
        _ordered = [.. FlowOrder.Sort(_set)];
    }

    public static FlowSet Empty { get; } = new([]);

    public int Count => _ordered.Length;

    /// <summary>The flows in display order.</summary>
    public ImmutableArray<FlowEntry> Ordered => _ordered;

    public bool Contains(FlowEntry item) => _set.Contains(item);

    public IEnumerator<FlowEntry> GetEnumerator() => ((IEnumerable<FlowEntry>)_ordered).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<FlowEntry> other) => _set.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<FlowEntry> other) => _set.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<FlowEntry> other) => _set.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<FlowEntry> other) => _set.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<FlowEntry> other) => _set.Overlaps(other);

    public bool SetEquals(IEnumerable<FlowEntry> other) => _set.SetEquals(other);
}
