using Tests.Shared;
using System.Globalization;
using Controller.Reconcile;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// Drift repair through OVS's flow monitor, and full resyncs as one atomic bundle, on real Open vSwitch.
/// The periodic audit is pushed out to an hour here, so whatever is repaired within a second was
/// noticed through the monitor.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class FlowMonitorDriftTests
{
    private const ulong BrTunPrefix = 0x0b70_0000_0000_0000UL;
    private const ulong LearnedCookie = 0x0b70_ffff_ffff_ffffUL;
    private const ulong ForeignCookie = 0x1234_0000_0000_0001UL;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs();

    private static bool Ours(DumpedFlow f) => (f.Cookie & 0xffff_0000_0000_0000UL) == BrTunPrefix && f.Cookie != LearnedCookie;

    private static string Spec(DumpedFlow f) =>
        string.Create(CultureInfo.InvariantCulture, $"table={f.Table},priority={f.Priority}{(f.Match.Length == 0 ? string.Empty : "," + f.Match)}");

    private static List<string> Reference(IReadOnlyList<DumpedFlow> dump) => [.. dump.Where(Ours).Select(f => f.Stable).Order(StringComparer.Ordinal)];

    private static Task<OverlayBed> BedAsync(bool flowMonitor = true) =>
        OverlayBed.CreateAsync(2, TunnelType.Vxlan, new Dictionary<string, string?>
        {
            ["Runtime:AuditInterval"] = "01:00:00",
            ["Runtime:FlowMonitor"] = flowMonitor ? "true" : "false",
        });

    [Test]
    public async Task DeleteModifyAndAddBehindOurBack_AreEachRepairedWithinASecond_ForeignSurvives()
    {
        await using var bed = await BedAsync();
        var host = bed.Hosts[0];
        var dpid = bed.DatapathId(host);
        await bed.WaitInSyncAsync();
        var reconciler = bed.Controller.Runtime.FindReconciler(dpid)!;
        await Poll.UntilAsync(() => reconciler.MonitorState == FlowMonitorState.Active && reconciler.IsIdle, TimeSpan.FromSeconds(5), "the flow monitor");
        var reference = Reference(await host.DumpFlowsAsync());
        var ours = (await host.DumpFlowsAsync()).Where(Ours).Where(f => f.Match.Length != 0).ToList();
        Assert.That(ours, Has.Count.GreaterThanOrEqualTo(2), "br-tun has flows with a match to play with");

        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, $"cookie=0x{ForeignCookie:x},table=0,priority=999,dl_dst=02:00:00:00:99:01,actions=drop");
        await Task.Delay(300); // a foreign add must not trigger anything: give it time to (not) happen
        var repairsBefore = reconciler.DriftRepairs;
        var eventsBefore = reconciler.MonitorDriftEvents;
        Assert.That(eventsBefore, Is.Zero, "a flow under a foreign cookie is not drift");

        var steps = new (string What, string[] Command)[]
        {
            ("del-flows", ["--strict", "del-flows", OvsHypervisor.BrTun, Spec(ours[0])]),
            ("mod-flows", ["--strict", "mod-flows", OvsHypervisor.BrTun, Spec(ours[1]) + ",actions=drop"]),
            ("add-flow", ["add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000abc,table=0,priority=77,dl_dst=02:00:00:00:99:02,actions=drop"]),
        };
        var took = new List<double>();
        var expectedRepairs = 0L;

        // The state REST shows (FlowRuntime.Flows), sampled while the repairs run.
        var states = new List<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var state = bed.Controller.Runtime.Flows(dpid)?.State ?? "none";
                if (states.Count == 0 || states[^1] != state)
                {
                    states.Add(state);
                }

                await Task.Delay(1, CancellationToken.None);
            }
        });
        foreach (var (what, command) in steps)
        {
            var started = DateTime.UtcNow;
            await host.OfctlAsync(command);
            await host.WaitForFlowsAsync(dump => Reference(dump).SequenceEqual(reference), TimeSpan.FromSeconds(5), what: $"our flows back after {what}");
            took.Add((DateTime.UtcNow - started).TotalMilliseconds);
            expectedRepairs++;
            await Poll.UntilAsync(() => reconciler.DriftRepairs - repairsBefore == expectedRepairs && reconciler.State == ReconcilerState.InSync, TimeSpan.FromSeconds(3), $"the {what} repair to be counted");
        }

        await sampling.CancelAsync();
        await sampler;
        var dump = await host.DumpFlowsAsync();
        var rest = await bed.Controller.FlowsAsync(dpid);
        await TestContext.Out.WriteLineAsync($"states seen: {string.Join(" -> ", states)}");
        var metrics = await bed.Controller.Http.GetStringAsync(new Uri($"http://127.0.0.1:{bed.Controller.RestPort}/metrics"));
        await TestContext.Out.WriteLineAsync($"repaired del/mod/add in {string.Join(" / ", took.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms (incl. ovs-ofctl and polling); monitor updates {reconciler.MonitorUpdates}, drift events {reconciler.MonitorDriftEvents}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(took, Is.All.LessThan(Within.TotalMilliseconds), "each repaired within 1 s");
            Assert.That(reconciler.DriftRepairs - repairsBefore, Is.EqualTo(3), "one put back, one restored, one deleted");
            Assert.That(reconciler.MonitorDriftEvents, Is.GreaterThanOrEqualTo(3));
            Assert.That(reconciler.Audits, Is.LessThanOrEqualTo(1), "no periodic audit ran (only the one right after the monitor started)");
            Assert.That(dump.Any(f => f.Cookie == ForeignCookie), Is.True, "the foreign-cookie flow survives");
            Assert.That(states.Count(x => x == "drifted"), Is.EqualTo(3), "each hand edit shows as drifted, then back in sync");
            Assert.That(states[^1], Is.EqualTo("in_sync"));
            Assert.That(metrics, Does.Contain("ofcontroller_flow_monitor_drift_total{event=\"deleted\"} 1"));
            Assert.That(metrics, Does.Contain("ofcontroller_flow_monitor_drift_total{event=\"modified\"} 1"));
            Assert.That(metrics, Does.Contain("ofcontroller_flow_monitor_drift_total{event=\"added\"} 1"));
            Assert.That(rest["state"]!.GetValue<string>(), Is.EqualTo("in_sync"));
            Assert.That(rest["flowMonitor"]!.GetValue<string>(), Is.EqualTo("active"));
            Assert.That(rest["driftRepairs"]!.GetValue<long>(), Is.EqualTo(reconciler.DriftRepairs));
            Assert.That(rest["monitorDriftEvents"]!.GetValue<long>(), Is.EqualTo(reconciler.MonitorDriftEvents));
        }
    }

    [Test]
    public async Task AMassDelete_IsOneRepair()
    {
        await using var bed = await BedAsync();
        var host = bed.Hosts[0];
        var dpid = bed.DatapathId(host);
        await bed.WaitInSyncAsync();
        var reconciler = bed.Controller.Runtime.FindReconciler(dpid)!;
        await Poll.UntilAsync(() => reconciler.MonitorState == FlowMonitorState.Active && reconciler.IsIdle, TimeSpan.FromSeconds(5), "the flow monitor");
        var reference = Reference(await host.DumpFlowsAsync());
        var fullSyncs = reconciler.FullSyncs;

        // Every flow of ours at once: many DELETED updates, one read-back and one bundle to repair them.
        await host.OfctlAsync("del-flows", OvsHypervisor.BrTun, $"cookie=0x{BrTunPrefix:x}/0xffff000000000000");
        await host.WaitForFlowsAsync(dump => Reference(dump).SequenceEqual(reference), TimeSpan.FromSeconds(5), what: "all our flows back");
        await Poll.UntilAsync(() => reconciler.State == ReconcilerState.InSync && reconciler.IsIdle, TimeSpan.FromSeconds(3), "in sync");
        await TestContext.Out.WriteLineAsync($"{reference.Count} flows deleted: {reconciler.MonitorDriftEvents} drift events, {reconciler.FullSyncs - fullSyncs} read-backs, {reconciler.BundleCommits} bundles");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reconciler.MonitorDriftEvents, Is.GreaterThanOrEqualTo(reference.Count));
            Assert.That(reconciler.FullSyncs - fullSyncs, Is.LessThanOrEqualTo(2), "the burst folds into one repair (two when the first read-back raced the tail of the burst)");
            Assert.That(reconciler.BundleCommits, Is.GreaterThanOrEqualTo(1));
        }
    }

    [Test]
    public async Task AReconnectWithDifferences_IsAppliedAsOneAtomicBundle()
    {
        // No monitor here: the hand edits wait for the reconnect's read-back.
        await using var bed = await BedAsync(flowMonitor: false);
        var host = bed.Hosts[0];
        var dpid = bed.DatapathId(host);
        await bed.WaitInSyncAsync();
        var reference = Reference(await host.DumpFlowsAsync());
        var ours = (await host.DumpFlowsAsync()).Where(Ours).Where(f => f.Match.Length != 0).ToList();
        await host.OfctlAsync("--strict", "del-flows", OvsHypervisor.BrTun, Spec(ours[0]));
        await host.OfctlAsync("--strict", "del-flows", OvsHypervisor.BrTun, Spec(ours[1]));
        await host.OfctlAsync("--strict", "mod-flows", OvsHypervisor.BrTun, Spec(ours[2]) + ",actions=drop");
        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000abc,table=0,priority=77,dl_dst=02:00:00:00:99:02,actions=drop");
        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, $"cookie=0x{ForeignCookie:x},table=0,priority=999,dl_dst=02:00:00:00:99:01,actions=drop");

        // OVS logs every OpenFlow message it receives at vconn debug level: the proof of what went over the wire.
        var log = Path.Combine(host.Directory, "ovs-vswitchd.log");
        var logStart = new FileInfo(log).Length;
        await host.AppctlAsync("vlog/set", "vconn:file:dbg");
        await using var watch = await host.StartFlowMonitorAsync();
        await bed.Controller.RestartAsync();
        await bed.WaitInSyncAsync();
        var after = await host.WaitForFlowsAsync(dump => Reference(dump).SequenceEqual(reference), TimeSpan.FromSeconds(10), what: "our flows repaired by the reconnect");
        var reconciler = bed.Controller.Runtime.FindReconciler(dpid)!;
        await host.AppctlAsync("vlog/set", "vconn:file:info");

        string received;
        using (var s = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            s.Seek(logStart, SeekOrigin.Begin);
            received = await new StreamReader(s).ReadToEndAsync();
        }

        // A log entry starts with its timestamp; a decoded message continues on the following lines.
        var entries = new List<string>();
        foreach (var line in received.Split('\n'))
        {
            if (line.Length > 4 && char.IsAsciiDigit(line[0]) && line[4] == '-')
            {
                entries.Add(line);
            }
            else if (entries.Count != 0)
            {
                entries[^1] += "\n" + line;
            }
        }

        var lines = entries.Where(l => l.Contains("vconn|DBG|", StringComparison.Ordinal) && l.Contains("received:", StringComparison.Ordinal)).ToList();
        var bundleOpen = lines.Count(l => l.Contains("OPEN_REQUEST", StringComparison.Ordinal) && l.Contains("flags=atomic ordered", StringComparison.Ordinal));
        var commits = lines.Count(l => l.Contains("COMMIT_REQUEST", StringComparison.Ordinal));
        var adds = lines.Count(l => l.Contains("ONFT_BUNDLE_ADD_MESSAGE", StringComparison.Ordinal));
        var plainFlowMods = lines.Count(l => l.Contains("received: OFPT_FLOW_MOD", StringComparison.Ordinal));
        await TestContext.Out.WriteLineAsync($"bundle: {bundleOpen} open, {adds} adds, {commits} commit; plain FLOW_MODs {plainFlowMods}; external monitor saw {watch.Events.Count} events");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bundleOpen, Is.EqualTo(1), "one bundle opened ATOMIC|ORDERED");
            Assert.That(commits, Is.EqualTo(1));
            Assert.That(adds, Is.EqualTo(4), "2 put back, 1 restored, 1 deleted, all inside the bundle");
            Assert.That(plainFlowMods, Is.Zero, "no FLOW_MOD outside the bundle");
            Assert.That(reconciler.BundleCommits, Is.EqualTo(1));
            Assert.That(reconciler.BundleFallbacks, Is.Zero);
            Assert.That(after.Any(f => f.Cookie == ForeignCookie), Is.True, "the foreign-cookie flow survives");
            Assert.That(watch.Events, Has.Count.EqualTo(4), "the other connection's monitor saw exactly the four repairs");
        }
    }
}
