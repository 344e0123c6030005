using Tests.Shared;
using System.Diagnostics;
using Apps.Overlay;
using Integration.Tests.Harness;

namespace Integration.Tests.Cluster;

/// <summary>
/// Three controllers on a 3-member etcd (leases and shared store), two zero-touch OVS hosts managed by all three
/// (<see cref="ClusterBed"/>): the master of a switch is SIGKILLed during a continuous ping, or SIGSTOPped past its
/// lease and continued.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("RealOvs")]
internal sealed class ClusterFailoverTests
{
    private static readonly string LearnedCookie = $"cookie=0x{BrTunPipeline.LearnedCookie.Value:x}";

    [Test]
    public async Task SigkillOfTheMasterHandsTheSwitchToAnotherWithinThreeSecondsWithoutLossOrFlowMods()
    {
        await using var bed = await ClusterBed.CreateAsync();
        await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
        var host = bed.Hosts[0];
        var dpid = bed.DatapathIds[host];
        var (master, generation) = await ClusterBed.MasterOfAsync(bed.Controllers[1], dpid);
        var victim = bed.ByMember(master!);
        var survivors = bed.Controllers.Where(c => c != victim).ToList();
        Assert.That(await bed.Vms[0].PingAsync(bed.Vms[1].Ip, 3), Is.EqualTo(3), "the overlay works before");

        var monitors = await Task.WhenAll(bed.Hosts.Select(h => h.StartFlowMonitorAsync()));
        try
        {
            var ping = bed.Vms[0].PingAsync(bed.Vms[1].Ip, count: 50); // 10 s at 0.2 s
            await Task.Delay(TimeSpan.FromSeconds(2));
            var killed = Stopwatch.StartNew();
            await victim.KillAsync();
            var (next, nextGeneration) = await ClusterBed.TakeoverAsync(master!, () => ClusterBed.MasterOfAsync(survivors[0], dpid), bed.SessionIsMaster(dpid), TimeSpan.FromSeconds(10), "another member to master the switch");
            var takeover = killed.Elapsed;
            await TestContext.Out.WriteLineAsync($"takeover after SIGKILL of {master}: {takeover.TotalMilliseconds:F0} ms, {next} with generation id {nextGeneration} (was {generation})");

            var received = await ping;
            await bed.WaitConvergedAsync(survivors, TimeSpan.FromSeconds(30));
            var flowMods = monitors.SelectMany(m => m.Events).Where(e => !e.Contains(LearnedCookie, StringComparison.Ordinal)).ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(takeover, Is.LessThan(TimeSpan.FromSeconds(3)), "takeover time");
                Assert.That(nextGeneration, Is.GreaterThan(generation), "the new master's generation id is higher");
                Assert.That(received, Is.EqualTo(50), "no ping lost");
                Assert.That(flowMods, Is.Empty, "no flow changed on the switches, which were in sync");
            }
        }
        finally
        {
            foreach (var m in monitors)
            {
                await m.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task AMasterPausedPastItsLeaseDoesNotWriteAgainAndRejoinsAsSlave()
    {
        await using var bed = await ClusterBed.CreateAsync();
        await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
        var host = bed.Hosts[0];
        var dpid = bed.DatapathIds[host];
        var (master, generation) = await ClusterBed.MasterOfAsync(bed.Controllers[1], dpid);
        var paused = bed.ByMember(master!);
        var others = bed.Controllers.Where(c => c != paused).ToList();
        var suppressedBefore = await paused.Rest.MetricAsync("ofcontroller_cluster_writes_suppressed_total");
        await ClusterBed.WhilePausedAsync(paused, async () =>
        {
            await Poll.UntilAsync(
                async () => (await ClusterBed.MasterOfAsync(others[0], dpid)).Master is { } m && m != master,
                TimeSpan.FromSeconds(15),
                "another member to take the paused master's switch");

            // While it sleeps the others change the shared store: a new port means new flows, which the new masters
            // install. The paused member wakes with a store that has not seen that port yet: if it wrote, it would
            // take them out again.
            var late = await others[1].Rest.PostAsync("ports", new { networkId = bed.NetworkId, hostId = bed.HostIds[host], mac = "02:c1:00:00:01:99", ip = "10.0.0.99", name = "late" });
            await bed.WaitEverywhereAsync($"ports/{late["id"]!.GetValue<string>()}", others);
            await bed.WaitConvergedAsync(others, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3)); // well past the 2 s lease
        });

        var monitors = await Task.WhenAll(bed.Hosts.Select(h => h.StartFlowMonitorAsync()));
        try
        {
            await paused.ResumeAsync();
            await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2)); // time for any late write to show
            var (newMaster, newGeneration) = await ClusterBed.MasterOfAsync(paused, dpid);
            var flowMods = monitors.SelectMany(m => m.Events).Where(e => !e.Contains(LearnedCookie, StringComparison.Ordinal)).ToList();
            var suppressed = await paused.Rest.MetricAsync("ofcontroller_cluster_writes_suppressed_total") - suppressedBefore;
            var refused = await paused.Rest.MetricAsync("ofcontroller_cluster_writes_refused_total");
            await TestContext.Out.WriteLineAsync($"paused {master} (generation {generation}); now {newMaster} (generation {newGeneration}); suppressed {suppressed}, refused {refused}");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(newMaster, Is.Not.EqualTo(master), "the woken member did not take the switch back");
                Assert.That(newGeneration, Is.GreaterThan(generation));
                Assert.That(await ClusterBed.RoleAtAsync(paused, dpid), Is.EqualTo("slave"), "it rejoined as slave");
                Assert.That(flowMods, Is.Empty, "nothing was written to the switches after SIGCONT");
                Assert.That(await ClusterBed.ReconcilerStateAsync(paused, dpid), Is.Null, "a slave runs no reconciler");
            }
        }
        finally
        {
            foreach (var m in monitors)
            {
                await m.DisposeAsync();
            }
        }
    }
}
