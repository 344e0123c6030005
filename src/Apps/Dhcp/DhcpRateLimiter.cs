namespace Apps.Dhcp;

/// <summary>
/// A token bucket per client MAC: at most <see cref="Burst"/> messages at once and <see cref="PerSecond"/>
/// on average. A storm from one port is cut off without touching the others. The table is bounded
/// (<see cref="MaxClients"/>): when full, idle buckets are forgotten first, then the oldest. Not
/// thread-safe: one instance per switch, used on that switch's own sequential context. Pure: the
/// caller passes the time.
/// </summary>
public sealed class DhcpRateLimiter
{
    private readonly Dictionary<ulong, (double Tokens, DateTimeOffset At)> _buckets = [];

    public DhcpRateLimiter(double perSecond = 2, int burst = 8, int maxClients = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxClients);
        (PerSecond, Burst, MaxClients) = (perSecond, burst, maxClients);
    }

    public double PerSecond { get; }

    public int Burst { get; }

    public int MaxClients { get; }

    public int Count => _buckets.Count;

    /// <summary>True when the client may be answered now (a token is taken); false when over its rate.</summary>
    public bool TryAcquire(ulong clientMac, DateTimeOffset now)
    {
        if (!_buckets.TryGetValue(clientMac, out var b))
        {
            if (_buckets.Count >= MaxClients)
            {
                Evict(now);
            }

            b = (Burst, now);
        }

        var elapsed = Math.Max(0, (now - b.At).TotalSeconds);
        var tokens = Math.Min(Burst, b.Tokens + (elapsed * PerSecond));
        if (tokens < 1)
        {
            _buckets[clientMac] = (tokens, now);
            return false;
        }

        _buckets[clientMac] = (tokens - 1, now);
        return true;
    }

    private void Evict(DateTimeOffset now)
    {
        var full = TimeSpan.FromSeconds(Burst / PerSecond);
        var idle = _buckets.Where(kv => now - kv.Value.At >= full).Select(kv => kv.Key).ToList();
        if (idle.Count == 0)
        {
            idle = [_buckets.MinBy(kv => kv.Value.At).Key];
        }

        foreach (var k in idle)
        {
            _buckets.Remove(k);
        }
    }
}
