using Tests.Shared;
using Apps.Flows;
using Apps.Model;
using Controller.Reconcile;
using Microsoft.Extensions.Time.Testing;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using static Controller.Tests.Reconcile.TestFlows;

namespace Controller.Tests.Reconcile;

/// <summary>The reconciler's periodic audit, driven by a fake clock: counts first, a dump on mismatch, repairs counted.</summary>
[TestFixture]
public sealed class DriftAuditTests
{
    private const ulong Dpid = 0xd1;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static async Task<(SwitchReconciler R, FakeTimeProvider Time)> StartedAsync(FakeFlowSwitch sw, ListApp app, int fullEvery = 1000)
    {
        var time = new FakeTimeProvider();
        var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => new SwitchSnapshot(Dpid, []),
            new SwitchReconcilerOptions { Debounce = TimeSpan.Zero, RetryDelay = TimeSpan.FromMilliseconds(10), AuditInterval = Interval, AuditFullEvery = fullEvery },
            time);
        Assert.That(r.State, Is.EqualTo(ReconcilerState.Connecting));
        r.Start();
        await Poll.UntilAsync(() => r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the first reconcile");
        return (r, time);
    }

    private static async Task AuditAsync(SwitchReconciler r, FakeTimeProvider time, long audits)
    {
        // The audit timer task may not have armed its delay yet: keep advancing until the audit ran.
        await Poll.UntilAsync(
            () =>
            {
                if (r.Audits < audits)
                {
                    time.Advance(Interval);
                }

                return r.Audits >= audits && r.IsIdle;
            }, Poll.DefaultTimeout,
            $"audit {audits}");
    }

    [Test]
    public async Task MatchingCounts_CostNoDumpAndNoFlowMod()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid, [Learned(3), Foreign(0, 50, 9)]);
        var (r, time) = await StartedAsync(sw, app);
        await using var _ = r;
        var dumps = sw.Dumps;
        var mods = sw.FlowModsReceived;

        sw.Put(Learned(4)); // a learned entry under a preserved cookie is the switch's business
        await AuditAsync(r, time, 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Counts, Is.GreaterThan(0), "aggregate counts were asked");
            Assert.That(sw.Dumps, Is.EqualTo(dumps), "no dump when the counts match");
            Assert.That(sw.FlowModsReceived, Is.EqualTo(mods));
            Assert.That(r.DriftRepairs, Is.Zero);
            Assert.That(r.State, Is.EqualTo(ReconcilerState.InSync));
        }
    }

    [Test]
    public async Task DeletedAndAddedUnderOurCookie_AreRepaired_ForeignSurvives()
    {
        var app = new ListApp { Flows = Desired() };
        var foreign = Foreign(0, 50, 9);
        var sw = new FakeFlowSwitch(Dpid, [foreign]);
        var (r, time) = await StartedAsync(sw, app);
        await using var _ = r;
        var desired = Desired();

        sw.Remove(desired[0].Key);                 // deleted behind our back
        var intruder = Ours(3, 7, 8, 5, 1);        // added under our cookie in another table
        sw.Put(intruder);
        await AuditAsync(r, time, 1);
        await Poll.UntilAsync(() => r.DriftRepairs == 2 && r.State == ReconcilerState.InSync && r.IsIdle, Poll.DefaultTimeout, "the repair");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Flows.Select(f => f.Key), Does.Contain(desired[0].Key), "put back");
            Assert.That(sw.Flows.Select(f => f.Key), Does.Not.Contain(intruder.Key), "removed");
            Assert.That(sw.Flows.Select(f => f.Key), Does.Contain(foreign.Key), "foreign cookie untouched");
            Assert.That(r.ConfirmedVersion, Is.EqualTo(NetworkSnapshot.Empty.Version));
        }
    }

    [Test]
    public async Task FlowModifiedInPlace_IsCaughtByThePeriodicFullAudit()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid);
        var (r, time) = await StartedAsync(sw, app, fullEvery: 2);
        await using var _ = r;
        var target = Desired()[3];
        sw.Put(target with { Instructions = [new ApplyActions(new OutputAction(99, 0))] });

        await AuditAsync(r, time, 1);
        Assert.That(r.DriftRepairs, Is.Zero, "the counts cannot see a change in place");
        await AuditAsync(r, time, 2);
        await Poll.UntilAsync(() => r.DriftRepairs == 1 && r.IsIdle, Poll.DefaultTimeout, "the repair after the full audit");
        Assert.That(sw.Flows.Single(f => f.Key == target.Key).Canonical(), Is.EqualTo(target.Canonical()));
    }

    [Test]
    public async Task LostReadBack_IsFailed_ThenInSyncAfterTheRetry()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid) { FailDumps = 1 };
        var time = new FakeTimeProvider();
        await using var r = new SwitchReconciler(sw, app, () => NetworkSnapshot.Empty, () => new SwitchSnapshot(Dpid, []),
            new SwitchReconcilerOptions { Debounce = TimeSpan.Zero, RetryDelay = TimeSpan.FromSeconds(1) }, time);
        r.Start();
        await Poll.UntilAsync(() => r.State == ReconcilerState.Failed, Poll.DefaultTimeout, "the failed read-back");
        Assert.That(r.ConfirmedVersion, Is.EqualTo(-1), "nothing confirmed yet");
        await Poll.UntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return r.State == ReconcilerState.InSync && r.IsIdle;
            }, Poll.DefaultTimeout,
            "the retry to succeed");
        Assert.That(r.ConfirmedVersion, Is.EqualTo(NetworkSnapshot.Empty.Version));
    }

    [Test]
    public async Task ReactiveWrites_OnlyAddsUnderAPreservedCookie()
    {
        var app = new ListApp { Flows = Desired() };
        var sw = new FakeFlowSwitch(Dpid);
        var (r, _) = await StartedAsync(sw, app);
        await using var __ = r;
        var written = new List<FlowMod>();
        var learned = FlowMods.Add(Learned(5));
        var managed = FlowMods.Add(Desired()[0]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.WriteReactive(learned, written.Add), Is.True);
            Assert.That(r.WriteReactive(managed, written.Add), Is.False, "a managed flow is the reconciler's alone");
            Assert.That(r.WriteReactive(learned with { Command = FlowModCommand.Delete }, written.Add), Is.False);
            Assert.That(written, Is.EqualTo(new[] { learned }));
            Assert.That(r.ReactiveFlowMods, Is.EqualTo(1));
        }
    }
}
