using Tests.Shared;
using Apps.Flows;
using Apps.Model;
using Controller.Reconcile;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using static Controller.Tests.Reconcile.TestFlows;

namespace Controller.Tests.Reconcile;

/// <summary>
/// Drift repair through the flow monitor, and full resyncs as atomic bundles, against a fake switch
/// whose monitor updates the test emits (the real-OVS proof is in Integration.Tests/RealOvs/DriftMonitorTests).
/// </summary>
[TestFixture]
public sealed class FlowMonitorRepairTests
{
    private const ulong Dpid = 0xd2;

    private static async Task<SwitchReconciler> StartedAsync(MonitoredFakeSwitch sw, ListApp app, SwitchReconcilerOptions? options = null)
    {
        var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => new SwitchSnapshot(Dpid, []),
            options ?? new SwitchReconcilerOptions { Debounce = TimeSpan.Zero, RetryDelay = TimeSpan.FromMilliseconds(10), DriftSettle = TimeSpan.FromMilliseconds(20) });
        r.Start();
        await Poll.UntilAsync(() => r.State == ReconcilerState.InSync && r.IsIdle && r.MonitorState != FlowMonitorState.Off, Poll.DefaultTimeout, "the first reconcile and the monitor");
        return r;
    }

    [Test]
    public async Task MonitorStartsOnceInSync_AndAHandDeleteIsPutBack()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid));
        await using var r = await StartedAsync(sw, app);
        var victim = Desired()[1];
        var dumps = sw.Table.Dumps;

        sw.Table.Remove(victim.Key);
        sw.Emit(MonitoredFakeSwitch.Deleted(victim));

        await Poll.UntilAsync(() => sw.Table.Flows.Contains(victim) && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the deleted flow back");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.MonitorState, Is.EqualTo(FlowMonitorState.Active));
            Assert.That(sw.MonitorStarts, Is.EqualTo(1));
            Assert.That(r.MonitorDriftEvents, Is.EqualTo(1));
            Assert.That(r.DriftRepairs, Is.EqualTo(1));
            Assert.That(sw.Table.Dumps, Is.EqualTo(dumps + 1), "one read-back for the repair");
            Assert.That(sw.Table.Flows, Is.EquivalentTo(Desired()));
        }
    }

    [Test]
    public async Task OwnForeignAndLearnedUpdates_AreNotDrift()
    {
        var app = new ListApp { Flows = Desired() };
        var foreign = Foreign(0, 50, 9);
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid, [foreign]));
        await using var r = await StartedAsync(sw, app);
        var dumps = sw.Table.Dumps;

        sw.Emit(new NxFlowUpdateAbbrev(0x42));                                            // our own FLOW_MOD
        sw.Emit(MonitoredFakeSwitch.Full(NxFlowUpdateEvent.Modified, foreign));           // someone else's cookie
        sw.Emit(MonitoredFakeSwitch.Full(NxFlowUpdateEvent.Added, Learned(3)));           // the switch's learned entry
        var modified = Desired()[3] with { Instructions = [new GotoTable(9)] };
        sw.Table.Put(modified);
        sw.Emit(MonitoredFakeSwitch.Full(NxFlowUpdateEvent.Modified, modified));           // ours, changed in place

        await Poll.UntilAsync(() => sw.Table.Flows.Contains(Desired()[3]) && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the modified flow restored");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.MonitorUpdates, Is.EqualTo(4));
            Assert.That(r.MonitorDriftEvents, Is.EqualTo(1), "only the update under our managed cookie is drift");
            Assert.That(sw.Table.Dumps, Is.EqualTo(dumps + 1));
            Assert.That(sw.Table.Flows, Does.Contain(foreign));
        }
    }

    [Test]
    public async Task AFloodOfUpdates_FoldsIntoOneRepair()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid));
        await using var r = await StartedAsync(sw, app, new SwitchReconcilerOptions { Debounce = TimeSpan.Zero, DriftSettle = TimeSpan.FromMilliseconds(200) });
        var dumps = sw.Table.Dumps;
        var victim = Desired()[0];
        sw.Table.Remove(victim.Key);
        for (var i = 0; i < 5000; i++)
        {
            sw.Emit(MonitoredFakeSwitch.Deleted(victim), MonitoredFakeSwitch.Full(NxFlowUpdateEvent.Added, victim));
        }

        await Poll.UntilAsync(() => sw.Table.Flows.Contains(victim) && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the repair");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.MonitorDriftEvents, Is.EqualTo(10_000));
            Assert.That(sw.Table.Dumps - dumps, Is.EqualTo(1), "10,000 updates, one read-back");
            Assert.That(r.DriftRepairs, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task ResumedAfterPause_ChecksOnceAndSendsNothingWhenInSync()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid));
        await using var r = await StartedAsync(sw, app);
        var dumps = sw.Table.Dumps;
        var mods = sw.Table.FlowModsReceived;

        sw.EmitMessage(new NxFlowMonitorPaused());
        sw.EmitMessage(new NxFlowMonitorResumed());

        await Poll.UntilAsync(() => sw.Table.Dumps == dumps + 1 && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the read-back after resume");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Table.FlowModsReceived, Is.EqualTo(mods));
            Assert.That(r.DriftRepairs, Is.Zero);
        }
    }

    [Test]
    public async Task ARefusedMonitor_LeavesTheAudit()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid)) { RefuseMonitor = true };
        await using var r = await StartedAsync(sw, app);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.MonitorState, Is.EqualTo(FlowMonitorState.Unsupported));
            Assert.That(sw.Subscribed, Is.False);
            Assert.That(sw.MonitorStarts, Is.EqualTo(1));
        }

        // Later runs do not ask again.
        app.Flows = [.. Desired().Take(4)];
        r.Invalidate();
        await Poll.UntilAsync(() => sw.Table.Flows.Count == 4 && r.IsIdle, Poll.DefaultTimeout, "the incremental run");
        Assert.That(sw.MonitorStarts, Is.EqualTo(1));
    }

    [Test]
    public async Task DisposeCancelsTheMonitor()
    {
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid));
        var r = await StartedAsync(sw, new ListApp { Flows = Desired() });
        await r.DisposeAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.MonitorCancels, Is.EqualTo(1));
            Assert.That(sw.Subscribed, Is.False);
        }
    }

    [Test]
    public async Task AReconnectWithDifferences_IsOneAtomicBundle()
    {
        var desired = Desired();
        var stale = desired[2] with { Instructions = [new GotoTable(7)] };
        var extra = Ours(3, 7, 8, 5, 1);
        var foreign = Foreign(0, 50, 9);
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid, [desired[0], stale, extra, foreign]));
        await using var r = await StartedAsync(sw, new ListApp { Flows = desired });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.BundleAttempts, Is.EqualTo(1));
            Assert.That(sw.BundledMessages, Is.EqualTo(5), "1 delete, 3 adds, 1 modify");
            Assert.That(r.BundleCommits, Is.EqualTo(1));
            Assert.That(sw.Table.Barriers, Is.EqualTo(1), "no plain batches: only the bundle's own barrier");
            Assert.That(sw.Table.Flows, Is.EquivalentTo(desired.Append(foreign)));
        }
    }

    [Test]
    public async Task ARefusedBundle_FallsBackToPlainFlowMods_AndIsNotTriedAgain()
    {
        var desired = Desired();
        var sw = new MonitoredFakeSwitch(new FakeFlowSwitch(Dpid)) { RefuseBundles = true };
        await using var r = await StartedAsync(sw, new ListApp { Flows = desired });
        Assert.That(sw.Table.Flows, Is.EquivalentTo(desired));
        sw.Table.Remove(desired[0].Key);
        sw.Table.Remove(desired[1].Key);
        sw.Emit(MonitoredFakeSwitch.Deleted(desired[0]), MonitoredFakeSwitch.Deleted(desired[1]));
        await Poll.UntilAsync(() => sw.Table.Flows.Count == desired.Count && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the repair");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.BundleAttempts, Is.EqualTo(1), "refused once, remembered");
            Assert.That(r.BundleFallbacks, Is.EqualTo(1));
            Assert.That(r.BundlesSupported, Is.False);
            Assert.That(r.BundleCommits, Is.Zero);
            Assert.That(r.DriftRepairs, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task AFailedCommit_LeavesTheTableUntouched_ThenThePlainPathReportsTheBadFlow()
    {
        var desired = Desired();
        var bad = desired[4];
        var table = new FakeFlowSwitch(Dpid) { Reject = fm => fm.TableId == bad.TableId && fm.Priority == bad.Priority };
        var sw = new MonitoredFakeSwitch(table);
        var r = new SwitchReconciler(sw, new ListApp { Flows = desired }, () => NetworkSnapshot.Empty, () => new SwitchSnapshot(Dpid, []),
            new SwitchReconcilerOptions { Debounce = TimeSpan.Zero, RetryDelay = TimeSpan.FromSeconds(30) });
        await using var _ = r;
        r.Start();
        await Poll.UntilAsync(() => r.State == ReconcilerState.Failed, Poll.DefaultTimeout, "the failed run");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.BundleAttempts, Is.EqualTo(1));
            Assert.That(r.BundleFallbacks, Is.EqualTo(1));
            Assert.That(r.BundlesSupported, Is.True, "a failed commit is not a refusal");
            Assert.That(r.LastError, Is.InstanceOf<FlowBatchException>());
            Assert.That(table.Flows, Is.EquivalentTo(desired.Take(4)), "the plain path applied the good flows");
        }
    }
}
