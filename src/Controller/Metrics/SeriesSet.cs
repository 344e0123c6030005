using Prometheus;

namespace Controller.Metrics;

/// <summary>
/// The series of one labelled collector that mirror things which come and go (switches, their ports and tables):
/// children are cached by key, and the caller removes the series of what is gone, so a switch that left leaves
/// no series behind and the label sets cannot grow without bound. Thread-safe.
/// </summary>
internal sealed class SeriesSet<TKey, TChild>(Collector<TChild> collector)
    where TKey : notnull
    where TChild : ChildBase
{
    private readonly Dictionary<TKey, Series> _series = [];
    private readonly Lock _lock = new();

    /// <summary>Series alive now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _series.Count;
            }
        }
    }

    public bool Contains(TKey key)
    {
        lock (_lock)
        {
            return _series.ContainsKey(key);
        }
    }

    /// <summary>
    /// The child of <paramref name="key"/>, made with <paramref name="labels"/> the first time. When
    /// <paramref name="owner"/> differs from the one it was made for (a new connection of the same switch), or
    /// <paramref name="reset"/> is set, the old series is removed and a new one starts, which is what a counter
    /// reset looks like to Prometheus.
    /// </summary>
    public TChild Get(TKey key, object? owner, Func<string[]> labels, bool reset = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        lock (_lock)
        {
            if (_series.TryGetValue(key, out var s))
            {
                if (!reset && ReferenceEquals(s.Owner, owner))
                {
                    return s.Child;
                }

                collector.RemoveLabelled(s.Labels);
            }

            var values = labels();
            var child = collector.WithLabels(values);
            _series[key] = new Series(owner, values, child);
            return child;
        }
    }

    /// <summary>Removes the series of every key <paramref name="gone"/> says is gone.</summary>
    public void RemoveWhere(Func<TKey, bool> gone)
    {
        ArgumentNullException.ThrowIfNull(gone);
        lock (_lock)
        {
            foreach (var (key, s) in _series.Where(p => gone(p.Key)).ToList())
            {
                collector.RemoveLabelled(s.Labels);
                _series.Remove(key);
            }
        }
    }

    private sealed record Series(object? Owner, string[] Labels, TChild Child);
}
