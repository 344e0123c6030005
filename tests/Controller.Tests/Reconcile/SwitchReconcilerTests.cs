using Tests.Shared;
using System.Diagnostics;
using System.Net;
using Apps.Overlay;
using Apps.Flows;
using Apps.L2;
using Apps.Model;
using Controller.Reconcile;
using OpenFlow;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using static Controller.Tests.Reconcile.TestFlows;

namespace Controller.Tests.Reconcile;

public sealed class SwitchReconcilerTests
{
    private const ulong Dpid = 0x1;
    private static readonly SwitchSnapshot Ports = new(Dpid, [new SwitchPort(1, "patch-int", default), new SwitchPort(2, "vxlan-0a000002", default)]);

    private static readonly SwitchReconcilerOptions Fast = new()
    {
        Debounce = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    private static NetworkSnapshot TwoHosts(int ports = 1)
    {
        var s = new NetworkSnapshot(
            1,
            [new NetworkInfo("net-a", "t", "A", TunnelType.Vxlan, 100)],
            [new HostInfo("h1", "h1", 0x1, IPAddress.Parse("10.0.0.1")), new HostInfo("h2", "h2", 0x2, IPAddress.Parse("10.0.0.2"))],
            [new PortInfo("a1", "net-a", "h1", 0xfa163e000a01, null, "a1"), new PortInfo("a2", "net-a", "h2", 0xfa163e000a02, null, "a2")],
            [new LocalVlan("h1", "net-a", 1), new LocalVlan("h2", "net-a", 5)]);
        for (var i = 1; i < ports; i++)
        {
            s = s with { Ports = s.Ports.Add(new PortInfo($"x{i}", "net-a", "h2", 0xfa163e001000UL + (ulong)i, null, "x")) };
        }

        return s;
    }

    private static async Task<SwitchReconciler> StartedAsync(FakeFlowSwitch sw, IFlowApp app, Func<NetworkSnapshot>? state = null, SwitchReconcilerOptions? options = null)
    {
        var r = new SwitchReconciler(sw, app, state ?? (() => NetworkSnapshot.Empty), () => Ports, options ?? Fast);
        r.Start();
        await Poll.UntilAsync(() => r.LastReconcile is not null && r.IsIdle, Poll.DefaultTimeout, "the first reconcile");
        return r;
    }

    private static IEnumerable<FlowEntry> Canonical(IEnumerable<FlowEntry> flows) => flows.Select(f => f.Canonical());

    [Test]
    public async Task FirstConnect_InstallsTheWholeBrTunPipeline_WithOneBarrier()
    {
        var sw = new FakeFlowSwitch(Dpid);
        var app = new BrTunPipeline();
        var desired = app.ComputeDesired(TwoHosts(), Ports);

        await using var r = await StartedAsync(sw, app, () => TwoHosts());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Canonical(sw.Flows), Is.EquivalentTo(Canonical(desired)));
            Assert.That(r.LastReconcile!.Added, Is.EqualTo(desired.Count));
            Assert.That((r.LastReconcile.Modified, r.LastReconcile.Deleted, r.LastReconcile.Unchanged), Is.EqualTo((0, 0, 0)));
            Assert.That(sw.Barriers, Is.EqualTo(1), "no deletes, so only the adds' barrier");
            Assert.That(sw.Log[^1], Is.EqualTo("BARRIER"));
            Assert.That(Canonical(r.Installed), Is.EquivalentTo(Canonical(desired)));
            Assert.That(r.Desired.Select(f => f.ToString()), Is.EqualTo(desired.Select(f => f.ToString())));
            var info = r.FlowsInfo();
            Assert.That((info.DatapathId, info.Desired.Count, info.Installed.Count, info.LastReconcile), Is.EqualTo((Dpid, desired.Count, desired.Count, r.LastReconcile)));
            Assert.That(info.Desired, Does.Contain("cookie=0xb70000000000064, table=21, priority=1,dl_vlan=1 actions=pop_vlan,set_field:0x64->tun_id,output:2"));
        }
    }

    [Test]
    public async Task Reconnect_InSync_SendsZeroFlowMods()
    {
        var sw = new FakeFlowSwitch(Dpid);
        var app = new BrTunPipeline();
        await using (await StartedAsync(sw, app, () => TwoHosts()))
        {
        }

        var sent = sw.FlowModsReceived;
        sw.Put(Learned(40) with { Cookie = BrTunPipeline.LearnedCookie });
        await using var again = await StartedAsync(sw, app, () => TwoHosts());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.FlowModsReceived, Is.EqualTo(sent));
            Assert.That(again.FlowModsSent, Is.Zero);
            Assert.That(again.LastReconcile!.Unchanged, Is.EqualTo(app.ComputeDesired(TwoHosts(), Ports).Count));
            Assert.That(sw.Dumps, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task LastReconcile_SaysWhereTheTimeWent_ReadBackOnlyOnFullReconciles()
    {
        var sw = new FakeFlowSwitch(Dpid) { DumpDelay = TimeSpan.FromMilliseconds(150) };
        var app = new BrTunPipeline();
        var state = TwoHosts();
        await using var r = await StartedAsync(sw, app, () => state);
        var first = r.LastReconcile!;

        state = TwoHosts(ports: 3);
        r.Invalidate();
        await Poll.UntilAsync(() => r.LastReconcile is { Added: > 0 } l && !ReferenceEquals(l, first) && r.IsIdle, Poll.DefaultTimeout, "the incremental reconcile");
        var second = r.LastReconcile!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Phases, Is.Not.Null);
            Assert.That(first.Phases!.ReadBackMs, Is.GreaterThanOrEqualTo(140), "the first reconcile reads the switch back");
            Assert.That(first.Phases.ComputeMs + first.Phases.ReadBackMs + first.Phases.DiffMs + first.Phases.ApplyMs, Is.LessThanOrEqualTo(first.DurationMs + 0.01));
            Assert.That(new[] { first.Phases.ComputeMs, first.Phases.DiffMs, first.Phases.ApplyMs }, Has.All.GreaterThanOrEqualTo(0));
            Assert.That(second.Phases!.ReadBackMs, Is.Zero, "an incremental reconcile diffs against what it installed");
            Assert.That(sw.Dumps, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Drift_IsRepaired_DeletesFirstThenBarrierThenAddsAndModifies()
    {
        var app = new ListApp { Flows = Desired() };
        var d = Desired();
        var extra = Ours(3, 1, 9, 5, 1);
        var sw = new FakeFlowSwitch(Dpid, [d[0], d[1] with { Instructions = [new GotoTable(5)] }, d[3] with { HardTimeout = 60 }, d[4], extra]);

        await using var r = await StartedAsync(sw, app);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Canonical(sw.Flows), Is.EquivalentTo(Canonical(d)));
            Assert.That(r.LastReconcile, Is.EqualTo(r.LastReconcile! with { Added = 2, Modified = 1, Deleted = 1, Unchanged = 2 }));
            Assert.That(sw.Log.Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "DeleteStrict", "BARRIER", "Add", "Add", "ModifyStrict", "BARRIER" }));
        }
    }

    [Test]
    public async Task ForeignAndLearnedFlows_AreNeverTouched()
    {
        var app = new ListApp { Flows = Desired() };
        var foreign = new[] { Foreign(0, 10, 30), Foreign(20, 1, 31) };
        var learned = new[] { Learned(32), Learned(33) };
        var sw = new FakeFlowSwitch(Dpid, [.. foreign, .. learned, Ours(7, 7, 7)]);

        await using var r = await StartedAsync(sw, app);
        app.Flows = [Desired()[0]];
        r.Invalidate();
        await Poll.UntilAsync(() => r.Runs == 2 && r.IsIdle, Poll.DefaultTimeout, "the second reconcile");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Flows, Is.SupersetOf(foreign.Concat(learned)));
            Assert.That(Canonical(sw.Flows.Where(f => f.Cookie.App == ListApp.TestId.Value && f.Cookie != ListApp.LearnedCookie)), Is.EquivalentTo(Canonical([Desired()[0]])));
            Assert.That(sw.Log.Where(l => l.Contains("0x1234", StringComparison.Ordinal) || l.Contains(ListApp.LearnedCookie.ToString(), StringComparison.Ordinal)), Is.Empty);
        }
    }

    [Test]
    public async Task ErrorInABatch_LeadsToAFullResyncThatRepairs()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid);
        var rejections = 1;
        sw.Reject = fm => fm.Command == FlowModCommand.Add && fm.TableId == 1 && Interlocked.Decrement(ref rejections) >= 0;

        await using var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => Ports, Fast);
        r.Start();
        await Poll.UntilAsync(() => sw.Dumps >= 2 && r.IsIdle && r.LastError is null && r.LastReconcile is not null, Poll.DefaultTimeout, "the resync");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Canonical(sw.Flows), Is.EquivalentTo(Canonical(Desired())));
            Assert.That(sw.Dumps, Is.EqualTo(2), "the second run read the table back");
            Assert.That(r.FullSyncs, Is.EqualTo(2));
            Assert.That(r.LastReconcile!.Added, Is.EqualTo(1), "only the rejected flow was missing");
            Assert.That(r.LastReconcile.Unchanged, Is.EqualTo(Desired().Count - 1));
        }
    }

    [Test]
    public async Task StateChange_IsAppliedIncrementally_WithoutReadingTheSwitchAgain()
    {
        var state = TwoHosts();
        var sw = new FakeFlowSwitch(Dpid);
        var app = new BrTunPipeline();
        await using var r = await StartedAsync(sw, app, () => Volatile.Read(ref state));
        var before = sw.FlowModsReceived;

        Volatile.Write(ref state, TwoHosts(ports: 2));
        r.Invalidate();
        await Poll.UntilAsync(() => r.Runs == 2 && r.IsIdle, Poll.DefaultTimeout, "the incremental reconcile");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Dumps, Is.EqualTo(1));
            Assert.That(sw.FlowModsReceived - before, Is.EqualTo(1), "one new l2pop flow");
            Assert.That(r.LastReconcile!.Added, Is.EqualTo(1));
            Assert.That(Canonical(sw.Flows), Is.EquivalentTo(Canonical(app.ComputeDesired(TwoHosts(ports: 2), Ports))));
        }
    }

    [Test]
    public async Task Debounce_CoalescesABurstIntoOneRecompute_AfterTheDebounceInterval()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid);
        var options = Fast with { Debounce = TimeSpan.FromMilliseconds(200) };
        await using var r = await StartedAsync(sw, app, options: options);
        var computations = app.Computations;

        app.Flows = [.. Desired().Take(2)];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            r.Invalidate();
        }

        await Poll.UntilAsync(() => r.Runs == 2, Poll.DefaultTimeout, "the debounced reconcile");
        var elapsed = clock.Elapsed;
        await Poll.UntilAsync(() => r.IsIdle, Poll.DefaultTimeout, "idle");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.Computations - computations, Is.EqualTo(1));
            Assert.That(r.Runs, Is.EqualTo(2));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)));
            Assert.That(r.LastReconcile!.Deleted, Is.EqualTo(3));
        }
    }

    [Test]
    public async Task Registry_InvalidateAll_RecomputesEverySwitch()
    {
        var registry = new ReconcilerRegistry();
        var app = new ListApp { Flows = Desired() };
        await using var a = await StartedAsync(new FakeFlowSwitch(1), app);
        var swB = new FakeFlowSwitch(2);
        await using var b = new SwitchReconciler(swB, app, () => NetworkSnapshot.Empty, () => Ports, Fast);
        b.Start();
        await Poll.UntilAsync(() => b.LastReconcile is not null && b.IsIdle, Poll.DefaultTimeout, "b's first reconcile");
        Assert.That(registry.Register(a), Is.Null);
        Assert.That(registry.Register(b), Is.Null);

        app.Flows = [Desired()[0]];
        registry.InvalidateAll();
        await Poll.UntilAsync(() => a.Runs == 2 && b.Runs == 2 && a.IsIdle && b.IsIdle, Poll.DefaultTimeout, "both reconciles");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(registry.Find(2), Is.SameAs(b));
            Assert.That(Canonical(swB.Flows), Is.EquivalentTo(Canonical([Desired()[0]])));
            Assert.That(registry.Unregister(b), Is.True);
            Assert.That(registry.Find(2), Is.Null);
        }
    }

    [Test]
    public async Task FlowsCountAsInstalledOnlyAfterTheirBarrier()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid);
        var barrierReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sw.BeforeBarrierReply = () =>
        {
            barrierReached.TrySetResult();
            return release.Task;
        };
        await using var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => Ports, Fast);
        r.Start();

        await barrierReached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var whileWaiting = r.Installed;
        release.SetResult();
        await Poll.UntilAsync(() => r.LastReconcile is not null && r.IsIdle, Poll.DefaultTimeout, "the reconcile");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.FlowModsReceived, Is.EqualTo(Desired().Count));
            Assert.That(whileWaiting, Is.Empty, "sent but not confirmed");
            Assert.That(Canonical(r.Installed), Is.EquivalentTo(Canonical(Desired())));
        }
    }

    [Test]
    public async Task FailedDump_IsRetriedAsAFullResync()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid) { FailDumps = 2 };

        await using var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => Ports, Fast);
        r.Start();
        await Poll.UntilAsync(() => r.LastReconcile is not null && r.IsIdle, Poll.DefaultTimeout, "the reconcile after the retries");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Dumps, Is.EqualTo(3));
            Assert.That(r.LastError, Is.Null);
            Assert.That(Canonical(sw.Flows), Is.EquivalentTo(Canonical(Desired())));
        }
    }

    [Test]
    public async Task LearningSwitch_TableMissIsManaged_ReactiveFlowsArePreserved()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        tables.Learn(Dpid, new MacAddress(1), 1, DateTimeOffset.UnixEpoch);
        // H2 on port 2 talks to H1, learned on port 1: a reactive flow the switch now holds.
        var flow = app.HandlePacketIn(tables, Dpid, 2, new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 8, 0 }, OpenFlow.Protocol.OfpConstants.NoBuffer, DateTimeOffset.UnixEpoch).Flow!;
        var sw = new FakeFlowSwitch(Dpid, [flow]);

        await using var r = await StartedAsync(sw, app);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Flows, Is.EquivalentTo(new[] { app.TableMiss, flow }));
            Assert.That(sw.Log.Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "Add", "BARRIER" }));
        }
    }
}
