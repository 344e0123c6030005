using Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using Integration.Tests.Harness;

namespace Integration.Tests.Cluster;

/// <summary>
/// Takeover time after SIGKILL, <c>TAKEOVER_RUNS</c> times (default 20) each, on one bed (<see cref="ClusterBed"/>: three
/// controllers sharing one etcd store, one zero-touch host):
/// <list type="bullet">
/// <item>switch mastership: the master of the host's br-tun is killed; from the kill until another member holds the
/// mastership in etcd and its session with the switch is master;</item>
/// <item>OVSDB writer: the host's writer is killed; from the kill until another member holds the writership in etcd
/// and its token is on the host's Open_vSwitch row (the compare-and-swap at the ovsdb-server has committed).</item>
/// </list>
/// The killed member is started again (it rejoins as slave and watcher) and the bed converges before the next run.
/// Run by <c>scripts/bench-takeover.sh</c>.
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
        var host = bed.Hosts.Single();
        var dpid = bed.DatapathIds[host];

        var switches = await MeasureAsync(bed, runs, "switch", c => ClusterBed.MasterOfAsync(c, dpid), bed.SessionIsMaster(dpid));
        var writers = await MeasureAsync(bed, runs, "ovsdb-writer", c => bed.WriterOfAsync(c, host), ClusterBed.TokenCommittedOn(host));

        await Report("switch", switches);
        await Report("ovsdb-writer", writers);
        Assert.That(switches.Concat(writers).ToList(), Has.Count.EqualTo(2 * runs));
    }

    /// <summary>Kills the owner <paramref name="runs"/> times; each time measures until another member owns it and <paramref name="done"/> holds.</summary>
    private static async Task<List<double>> MeasureAsync(
        ClusterBed bed,
        int runs,
        string what,
        Func<ControllerProcess, Task<(string? Owner, ulong Generation)>> ownerAt,
        Func<string, ulong, Task<bool>> done)
    {
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(90));
            var (owner, _) = await ownerAt(bed.Controllers[0]);
            var victim = bed.ByMember(owner!);
            var survivor = bed.Controllers.First(c => c != victim);
            var clock = Stopwatch.StartNew();
            await victim.KillAsync();
            await ClusterBed.TakeoverAsync(owner!, () => ownerAt(survivor), done, TimeSpan.FromSeconds(15), $"{what} takeover");
            times.Add(clock.Elapsed.TotalMilliseconds);
            await TestContext.Out.WriteLineAsync($"run {run + 1} ({what}): {owner} killed, takeover {times[^1]:F0} ms");
            await victim.StartAsync();
        }

        return times;
    }

    private static async Task Report(string what, List<double> times)
    {
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ').Take(3)) : "?";
        await TestContext.Out.WriteLineAsync($"TAKEOVER {what} runs={times.Count} median_ms={median:F0} worst_ms={times[^1]:F0} best_ms={times[0]:F0} (lease TTL 2 s, poll 200 ms; load average {load})");
    }
}
