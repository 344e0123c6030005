using Prometheus;

namespace Controller.Metrics;

/// <summary>
/// The children of a one-label collector whose label values form a small fixed table indexed by an integer (an
/// enum's value): each child is created on first use and cached, so a hot path does an array read and an
/// increment, with no label lookup and no allocation. Thread-safe: two threads creating the same child get the
/// same instance from the collector.
/// </summary>
internal sealed class IndexedChildren<TChild>(Collector<TChild> collector, IReadOnlyList<string> labels)
    where TChild : ChildBase
{
    private readonly TChild?[] _children = new TChild?[labels.Count];

    /// <summary>The child for <c>labels[index]</c>; an index outside the table uses the last entry.</summary>
    public TChild this[int index]
    {
        get
        {
            var i = (uint)index < (uint)_children.Length ? index : _children.Length - 1;
            return Volatile.Read(ref _children[i]) ?? Create(i);
        }
    }

    private TChild Create(int i)
    {
        var child = collector.WithLabels(labels[i]);
        Volatile.Write(ref _children[i], child);
        return child;
    }
}
