using Tests.Shared;
using System.Collections.Concurrent;
using System.Globalization;
using Controller.Reconcile;
using Controller.Runtime;
using Integration.Tests.Harness;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Nicira;

namespace Integration.Tests.Switches;

/// <summary>
/// The reconciler's switch adapter against a real ovs-vswitchd: a bundle is all or nothing (a bundle
/// whose commit fails leaves the table as it was), and the flow monitor reports other connections'
/// changes in full and this connection's own changes abbreviated by xid.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class OvsBundleMonitorTests
{
    private const ulong Cookie1 = 0x0b70_0000_0000_0101UL;
    private InProcessController? _controller;
    private OvsHypervisor? _host;

    [SetUp]
    public async Task SetUpAsync()
    {
        OvsPreconditions.RequireRootAndOvs();
        _controller = await InProcessController.StartAsync();
        _host = await OvsHypervisor.StartAsync(TestPrefix.New(), 1);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_host is not null)
        {
            await _host.VsctlAsync("del-controller", OvsHypervisor.BrTun);
            await _host.DisposeAsync();
            _host = null;
        }

        if (_controller is not null)
        {
            await _controller.DisposeAsync();
            _controller = null;
        }
    }

    private async Task<ConnectionFlowSwitch> ConnectAsync()
    {
        var dpid = ulong.Parse(await _host!.DatapathIdAsync(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        await _host.SetControllerAsync(_controller!.Port);
        Assert.That(await _controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True, "br-tun connected");
        return new ConnectionFlowSwitch(_controller.Registry.Find(new DatapathId(dpid))!, null);
    }

    private static FlowMod Add(ushort priority, uint inPort, uint output, FlowModFlags flags = FlowModFlags.None, Match? match = null) => new()
    {
        Command = FlowModCommand.Add,
        TableId = 1,
        Priority = priority,
        Cookie = new Cookie(Cookie1),
        Flags = flags,
        Match = match ?? new Match(Oxm.InPort(inPort)),
        Instructions = [new ApplyActions(new OutputAction(output, 0))],
    };

    [Test]
    public async Task ABundleWhoseCommitFails_LeavesTheTableUntouched_AGoodOneAppliesEverything()
    {
        var sw = await ConnectAsync();

        // The third add overlaps the first (same priority, in_port=1 within the catch-all) with
        // CHECK_OVERLAP: OVS refuses it only when the bundle is committed, after accepting the adds.
        var failing = await sw.CommitBundleAsync(
        [
            Add(5, 1, 2),
            Add(5, 2, 3),
            Add(5, 0, 4, FlowModFlags.CheckOverlap, Match.Empty),
        ], CancellationToken.None);
        var afterFailure = (await _host!.DumpFlowsAsync()).Where(f => f.Cookie == Cookie1).ToList();

        var good = await sw.CommitBundleAsync([Add(5, 1, 2), Add(5, 2, 3)], CancellationToken.None);
        var afterCommit = (await _host.DumpFlowsAsync()).Where(f => f.Cookie == Cookie1).ToList();
        await TestContext.Out.WriteLineAsync($"failing bundle: {failing.Outcome} ({string.Join(", ", failing.Errors.Select(e => e.Describe()))}); good bundle: {good.Outcome}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failing.Outcome, Is.EqualTo(BundleOutcome.Failed));
            Assert.That(failing.Errors, Is.Not.Empty);
            Assert.That(afterFailure, Is.Empty, "nothing of the failed bundle is applied, not even its first two flows");
            Assert.That(good, Is.EqualTo(BundleResult.Committed));
            Assert.That(afterCommit, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task TheMonitorReportsForeignChangesInFull_AndOurOwnByXid()
    {
        var sw = await ConnectAsync();
        var seen = new ConcurrentQueue<OfpMessage>();
        await sw.StartFlowMonitorAsync(41, seen.Enqueue, CancellationToken.None);

        var own = Add(6, 3, 1) with { Xid = sw.Connection.NextXid() };
        Assert.That(await sw.Connection.SendWithBarrierAsync([own]), Is.Empty);
        await _host!.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000202,table=2,priority=9,in_port=4,actions=drop");

        IEnumerable<NxFlowUpdate> Updates() => seen.OfType<MultipartReply>().SelectMany(r => ((NxFlowMonitorReply)r.Body).Updates);
        await Poll.UntilAsync(() => Updates().OfType<NxFlowUpdateFull>().Any(), TimeSpan.FromSeconds(5), "the foreign add's update");
        var full = Updates().OfType<NxFlowUpdateFull>().Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Updates().OfType<NxFlowUpdateAbbrev>().Select(a => a.Xid), Is.EqualTo(new[] { own.Xid }), "our own add, abbreviated to its xid");
            Assert.That(full.Event, Is.EqualTo(NxFlowUpdateEvent.Added));
            Assert.That(full.Cookie.Value, Is.EqualTo(0x0b70000000000202UL));
            Assert.That(full.TableId, Is.EqualTo((byte)2));
            Assert.That(full.Priority, Is.EqualTo((ushort)9));
            Assert.That(seen.OfType<MultipartReply>().Select(r => r.Xid), Is.All.Zero, "updates are unsolicited (xid 0)");
        }

        await sw.StopFlowMonitorAsync(41, CancellationToken.None);
        var count = seen.Count;
        await _host.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000203,table=2,priority=9,in_port=5,actions=drop");
        await sw.Connection.BarrierAsync();
        Assert.That(seen, Has.Count.EqualTo(count), "nothing after the cancel");
    }
}
