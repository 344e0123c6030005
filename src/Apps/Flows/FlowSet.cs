using System.Collections;
using System.Collections.Immutable;

namespace Apps.Flows;

/// <summary>
/// An immutable set of flows that enumerates in a fixed order (table, then priority descending,
/// then match text), so that two computations over equal inputs list equal flows in equal order
/// and a change for one network shows up as a small, readable diff.
/// </summary>
/// <remarks>
/// The order is made on first use, not when the set is built: it renders every flow's text, which is
/// most of the cost of computing 100,000 flows, and the reconciler needs only <see cref="Unordered"/>
/// (its diff sorts what it sends); the order is paid for when someone lists the flows.
/// </remarks>
public sealed class FlowSet : IReadOnlySet<FlowEntry>
{
    private readonly HashSet<FlowEntry> _set;
    private readonly Lazy<ImmutableArray<FlowEntry>> _ordered;

    public FlowSet(IEnumerable<FlowEntry> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        _set = [.. flows];
        _ordered = new Lazy<ImmutableArray<FlowEntry>>(() => [.. FlowOrder.Sort(_set)], LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static FlowSet Empty { get; } = new([]);

    public int Count => _set.Count;

    /// <summary>The flows in display order (sorted on first use).</summary>
    public ImmutableArray<FlowEntry> Ordered => _ordered.Value;

    /// <summary>The flows in no particular order, without sorting them.</summary>
    public IReadOnlyCollection<FlowEntry> Unordered => _set;

    public bool Contains(FlowEntry item) => _set.Contains(item);

    public IEnumerator<FlowEntry> GetEnumerator() => ((IEnumerable<FlowEntry>)_ordered.Value).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<FlowEntry> other) => _set.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<FlowEntry> other) => _set.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<FlowEntry> other) => _set.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<FlowEntry> other) => _set.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<FlowEntry> other) => _set.Overlaps(other);

    public bool SetEquals(IEnumerable<FlowEntry> other) => _set.SetEquals(other);
}
