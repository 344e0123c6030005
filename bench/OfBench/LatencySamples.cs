namespace OfBench;

/// <summary>
/// Round-trip times of one switch in 100 ns units, appended by the switch and read by the round timer.
/// The writer publishes the count after the sample; a reader that reads the count first and the
/// array second sees every sample up to that count (a grown array holds copies of the old ones).
/// </summary>
internal sealed class LatencySamples
{
    private int[] _items = new int[64];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(long ticks100ns)
    {
        if (_count == _items.Length)
        {
            var bigger = new int[_items.Length * 2];
            _items.AsSpan().CopyTo(bigger);
            Volatile.Write(ref _items, bigger);
        }

        _items[_count] = (int)Math.Min(ticks100ns, int.MaxValue);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Copies samples [from, to) into <paramref name="into"/>.</summary>
    public void CopyTo(int from, int to, List<int> into)
    {
        var items = Volatile.Read(ref _items);
        for (var i = from; i < to; i++)
        {
            into.Add(items[i]);
        }
    }
}
