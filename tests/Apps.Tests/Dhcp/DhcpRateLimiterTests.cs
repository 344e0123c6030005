using Apps.Dhcp;

namespace Apps.Tests.Dhcp;

public sealed class DhcpRateLimiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void AStorm_IsCutAfterTheBurst_AndRefillsAtTheRate()
    {
        var limiter = new DhcpRateLimiter(perSecond: 2, burst: 4);

        var first = Enumerable.Range(0, 100).Count(_ => limiter.TryAcquire(1, T0));
        var afterOneSecond = Enumerable.Range(0, 100).Count(_ => limiter.TryAcquire(1, T0.AddSeconds(1)));

        Assert.That((first, afterOneSecond), Is.EqualTo((4, 2)));
    }

    [Test]
    public void OneClientsStorm_DoesNotStarveAnother()
    {
        var limiter = new DhcpRateLimiter(perSecond: 1, burst: 2);
        for (var i = 0; i < 1000; i++)
        {
            limiter.TryAcquire(1, T0);
        }

        Assert.That(limiter.TryAcquire(2, T0), Is.True);
    }

    [Test]
    public void TheTable_IsBounded_AndEvictsIdleClientsFirst()
    {
        var limiter = new DhcpRateLimiter(perSecond: 1, burst: 1, maxClients: 10);
        for (ulong mac = 0; mac < 10_000; mac++)
        {
            limiter.TryAcquire(mac, T0.AddMilliseconds(mac));
        }

        Assert.That(limiter.Count, Is.LessThanOrEqualTo(10));
    }
}
