using Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using Integration.Tests.Harness;

namespace Integration.Tests.Cluster;

/// <summary>
/// Takeover time after SIGKILL of a switch's master, <c>TAKEOVER_RUNS</c> times (default 20) on one bed: from
/// the kill until another member holds the mastership in etcd and its session with the switch is master.
/// The killed member is started again (as a slave) before the next run. Run by <c>scripts/bench-takeover.sh</c>.
/// </summary>
[TestFixture]
[Explicit("benchmark: scripts/bench-takeover.sh")]
[Category("Bench")]
[NonParallelizable]
internal sealed class TakeoverBenchmark
{
    [Test]
    public async Task TakeoverAfterSigkill()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("TAKEOVER_RUNS"), CultureInfo.InvariantCulture, out var n) ? n : 20;
        await using var bed = await ClusterBed.CreateAsync(hosts: 1);
        var dpid = bed.DatapathIds.Values.Single();
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
            var (master, _) = await ClusterBed.MasterOfAsync(bed.Controllers[0], dpid);
            var victim = bed.ByMember(master!);
            var survivor = bed.Controllers.First(c => c != victim);
            var clock = Stopwatch.StartNew();
            await victim.KillAsync();
            await Poll.UntilAsync(
                async () => (await ClusterBed.MasterOfAsync(survivor, dpid)).Master is { } next && next != master
                    && await ClusterBed.RoleAtAsync(bed.ByMember(next), dpid) == "master",
                TimeSpan.FromSeconds(15),
                "takeover",
                TimeSpan.FromMilliseconds(20));
            times.Add(clock.Elapsed.TotalMilliseconds);
            await TestContext.Out.WriteLineAsync($"run {run + 1}: {master} killed, takeover {times[^1]:F0} ms");
            await victim.StartAsync();
        }

        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        await TestContext.Out.WriteLineAsync($"TAKEOVER runs={times.Count} median_ms={median:F0} worst_ms={times[^1]:F0} best_ms={times[0]:F0} (lease TTL 2 s, poll 200 ms)");
        Assert.That(times, Has.Count.EqualTo(runs));
    }
}
