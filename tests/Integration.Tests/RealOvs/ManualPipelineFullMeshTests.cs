using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>
/// Three hypervisors in a full mesh of VXLAN tunnels with the hand-typed pipeline: split horizon (tunnel traffic
/// only ever goes to patch-int) must make broadcasts arrive exactly once, with no loop and no spanning tree.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class ManualPipelineFullMeshTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("tcpdump", "arping", "ethtool");

    [Test]
    public async Task Broadcast_ReachesEachVmOfItsTenantExactlyOnce_AndNothingLoops()
    {
        await using var bed = await TwoTenantBed.CreateAsync(3, TunnelType.Vxlan);
        var sender = bed.A[0];
        var filter = $"arp and ether src {sender.Mac}";
        var sameTenant = bed.A.Skip(1).ToList();
        var captures = await Task.WhenAll(sameTenant.Concat(bed.B).Select(vm => vm.StartCaptureAsync(filter)));

        // Nobody owns 10.0.0.99: one broadcast request, no reply; arping's own deadline bounds the wait.
        var replies = await sender.ArpingAsync("10.0.0.99", count: 1, timeout: TimeSpan.FromSeconds(1));
        var seen = await Task.WhenAll(captures.Select(c => c.StopAsync()));
        var tunnelIn = await Task.WhenAll(bed.Topology.Hosts.Select(async h =>
            (await h.DumpFlowsAsync(filter: "table=2")).Sum(f => f.Packets)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(replies, Is.Zero);
            for (var i = 0; i < sameTenant.Count; i++)
            {
                Assert.That(seen[i], Has.Count.EqualTo(1), $"{sameTenant[i].Name} must see the broadcast exactly once:\n{string.Join('\n', seen[i])}");
            }

            for (var i = sameTenant.Count; i < seen.Length; i++)
            {
                Assert.That(seen[i], Is.Empty, $"tenant B VM #{i - sameTenant.Count} saw tenant A's broadcast");
            }

            // Host 1 receives nothing back; hosts 2 and 3 receive exactly the one copy each.
            Assert.That(tunnelIn, Is.EqualTo(new long[] { 0, 1, 1 }), "packets that entered br-tun from tunnels, per host");
        }
    }

    [Test]
    public async Task Ping_EveryPairWithinATenant_Works()
    {
        await using var bed = await TwoTenantBed.CreateAsync(3, TunnelType.Vxlan);

        var results = await Task.WhenAll(
            from tenant in new[] { bed.A, bed.B }
            from src in tenant
            from dst in tenant
            where src != dst
            select PingAsync(src, dst));

        Assert.That(results.Where(r => r.Received != 2).Select(r => r.Pair), Is.Empty, "pairs that lost pings");
    }

    private static async Task<(string Pair, int Received)> PingAsync(Vm src, Vm dst)
        => ($"{src.Name}->{dst.Name}", await src.PingAsync(dst.Ip, count: 2));
}
