using Tests.Shared;
using System.Net;
using Apps.Overlay;
using Apps.Flows;
using Controller.Metrics;
using Controller.Switches;
using Controller.Reconcile;
using Controller.Runtime;
using Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Controller.Tests.Runtime;

/// <summary>The flow runtime against fake switches and an in-memory store: app choice, read-back, resync, PACKET_IN, swap.</summary>
[TestFixture]
public sealed class FlowRuntimeTests
{
    private const ulong BrTunDpid = 0xb1;
    private const ulong PlainDpid = 0x51;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private TenantStore _store = null!;
    private FakeSwitchEvents _events = null!;
    private FlowRuntime _runtime = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _store = TenantStore.Open(new MemoryStream());
        _events = new FakeSwitchEvents();
        _runtime = new FlowRuntime(
            _events,
            _store,
            new ControllerMetrics(),
            Options.Create(new RuntimeOptions { Debounce = TimeSpan.FromMilliseconds(10), RetryDelay = TimeSpan.FromMilliseconds(20) }),
            NullLogger<FlowRuntime>.Instance,
            NullLogger<SwitchReconciler>.Instance);
        await _runtime.StartAsync(CancellationToken.None);
        await Until(() => _events.Subscribers == 1, "the runtime to subscribe");
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _runtime.StopAsync(CancellationToken.None);
        _runtime.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task BrTunBridge_OnConnect_ReadsBackAndSendsOnlyTheMissingFlow()
    {
        var conn = BrTunSwitch();
        var desired = new BrTunPipeline().ComputeDesired(_store.Current, new SwitchSnapshot(BrTunDpid, conn.Ports.Select(p => new SwitchPort(p.PortNo, p.Name, p.HwAddr))))
            .OrderBy(f => f, FlowOrder.Instance).ToList();
        conn.Installed.AddRange(desired.Skip(1).Select(AsStats));

        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(BrTunDpid), "the switch to be in sync");

        var batch = conn.Batches.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(batch.OfType<FlowMod>().Single().Command, Is.EqualTo(FlowModCommand.Add));
            Assert.That(_runtime.AppName(BrTunDpid), Is.EqualTo("br-tun"));
            Assert.That(_runtime.Flows(BrTunDpid)!.Desired, Has.Count.EqualTo(desired.Count));
            Assert.That(_runtime.Flows(BrTunDpid)!.LastReconcile!.Added, Is.EqualTo(1));
            Assert.That(_runtime.Flows(BrTunDpid)!.LastReconcile!.Unchanged, Is.EqualTo(desired.Count - 1));
        }

        // The cheap view (GET /switches/{dpid}/reconcile) says the same without rendering a flow.
        var full = _runtime.Flows(BrTunDpid)!;
        var cheap = _runtime.Reconcile(BrTunDpid)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cheap.DesiredFlows, Is.EqualTo(desired.Count));
            Assert.That(cheap.InstalledFlows, Is.EqualTo(full.Installed.Count).And.EqualTo(desired.Count));
            Assert.That(cheap.LastReconcile, Is.EqualTo(full.LastReconcile));
            Assert.That(cheap.State, Is.EqualTo("in_sync").And.EqualTo(full.State));
            Assert.That(cheap.ConfirmedVersion, Is.EqualTo(full.ConfirmedVersion).And.Not.EqualTo(-1));
            Assert.That(_runtime.Reconcile(0x99), Is.Null);
        }
    }

    [Test]
    public async Task ErrorForABatch_TriggersAFullResync()
    {
        var conn = BrTunSwitch();
        conn.NextBatchErrors = [ErrorMessage.For(ErrorType.FlowModFailed, 0, 1, [])];

        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(BrTunDpid), "the switch to be in sync after the retry");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(conn.Batches, Has.Count.EqualTo(2), "the rejected batch, then the resync's");
            Assert.That(conn.Dumps, Is.EqualTo(2), "the switch was read back again after the error");
        }
    }

    [Test]
    public async Task PlainBridge_RunsTheLearningSwitch_AndAnswersPacketIns()
    {
        var conn = new FakeConnection(PlainDpid, (1, "s1-eth1"), (2, "s1-eth2"));
        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(PlainDpid), "the table-miss flow");

        var answers = new List<OfpMessage>();
        _events.PacketIn(conn, PacketIn(1, src: 0x0a, dst: 0x0b), answers);
        Assert.That(answers, Has.Count.EqualTo(1), "the flood, answered inline");
        _events.PacketIn(conn, PacketIn(2, src: 0x0b, dst: 0x0a), answers);

        var sent = answers.ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_runtime.AppName(PlainDpid), Is.EqualTo("l2-learning"));
            Assert.That(sent, Has.Length.EqualTo(3), "the flow and the packet-out");
            Assert.That(((OutputAction)((PacketOut)sent[0]).Actions.Single()).Port, Is.EqualTo(OfpPort.Flood), "unknown destination is flooded");
            Assert.That(((FlowMod)sent[1]).Match.ToCanonicalOrder(), Is.EqualTo(Match.Canonical(Oxm.InPort(2), Oxm.EthDst(new MacAddress(0x0a)), Oxm.EthSrc(new MacAddress(0x0b)))));
            Assert.That(((OutputAction)((PacketOut)sent[2]).Actions.Single()).Port, Is.EqualTo(1u), "known destination: its port");
        }
    }

    [Test]
    public async Task DeclaringTheDatapathAsAHost_SwapsTheLearningSwitchForBrTun()
    {
        var conn = new FakeConnection(PlainDpid, (1, "vxlan-c0a84d02"));
        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(PlainDpid), "the learning switch");

        _store.CreateHost(new NewHost("hv1", PlainDpid, IPAddress.Parse("192.168.77.1")));
        await Until(() => _runtime.AppName(PlainDpid) == "br-tun" && _runtime.IsInSync(PlainDpid), "the swap to br-tun");

        var cleanup = conn.Batches.SelectMany(b => b).OfType<FlowMod>().Single(f => f.Command == FlowModCommand.Delete);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cleanup.Cookie, Is.EqualTo(AppId.L2Learning.Cookie()), "the learning switch's flows are deleted by cookie");
            Assert.That(cleanup.CookieMask, Is.EqualTo(OpenFlow.Cookie.AppMask));
            Assert.That(cleanup.TableId, Is.EqualTo(OfpConstants.AllTables));
        }
    }

    [Test]
    public async Task DeclaringATunnelPort_ReprogramsTheSwitch_WithFlowsTowardTheDeclaredHost()
    {
        var h1 = _store.CreateHost(new NewHost("hv1", BrTunDpid, IPAddress.Parse("192.168.77.1"))).Id;
        var h2 = _store.CreateHost(new NewHost("hv2", 0xb2, IPAddress.Parse("192.168.77.2"))).Id;
        var tenant = _store.CreateTenant("acme").Id;
        var network = _store.CreateNetwork(new NewNetwork(tenant, "web", Apps.Model.TunnelType.Vxlan, 0x64)).Network.Id;
        _store.CreatePort(new NewPort(network, h1, 0x02_00_00_00_00_01));
        _store.CreatePort(new NewPort(network, h2, 0x02_00_00_00_00_02));
        var conn = new FakeConnection(BrTunDpid, (1, "patch-int"), (5, "to-rack-b"));
        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(BrTunDpid), "the switch to be in sync");
        Assert.That(_runtime.Flows(BrTunDpid)!.Desired, Has.None.Contains("in_port=5"), "an undeclared non-Neutron name leads nowhere");

        _store.CreateTunnelPort(new NewTunnelPort(h1, "to-rack-b", h2, Apps.Model.TunnelType.Vxlan));
        await Until(
            () => _runtime.IsInSync(BrTunDpid) && _runtime.Flows(BrTunDpid)!.Desired.Any(f => f.Contains("in_port=5", StringComparison.Ordinal)),
            "the declaration to reach the switch");

        var desired = _runtime.Flows(BrTunDpid)!.Desired;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(desired, Has.Some.Contains("priority=1,in_port=5 actions=goto_table:2"));
            Assert.That(desired.Where(f => f.Contains("table=21", StringComparison.Ordinal)), Has.Some.Contains("output:5"));
            Assert.That(conn.Batches.SelectMany(b => b).OfType<FlowMod>().Any(f => f.TableId == 0 && f.Match.ToCanonicalOrder().Equals(Match.Canonical(Oxm.InPort(5)))), Is.True, "sent to the switch");
        }
    }

    [Test]
    public async Task Disconnect_StopsProgrammingTheSwitch()
    {
        var conn = BrTunSwitch();
        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(BrTunDpid), "the switch to be in sync");

        _events.Publish(new SwitchDisconnected(conn.DatapathId, conn));
        await Until(() => _runtime.FindReconciler(BrTunDpid) is null, "the reconciler to stop");

        Assert.That(_runtime.Flows(BrTunDpid), Is.Null);
    }

    [Test]
    public void Choose_FollowsConfigurationThenPatchIntThenTheStore()
    {
        var withPatch = new SwitchSnapshot(1, [new SwitchPort(1, "patch-int", default)]);
        var plain = new SwitchSnapshot(2, [new SwitchPort(1, "eth1", default)]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_runtime.Choose(_store.Current, withPatch), Is.EqualTo(AppSelection.BrTun));
            Assert.That(_runtime.Choose(_store.Current, plain), Is.EqualTo(AppSelection.L2Learning));
        }

        var options = new RuntimeOptions();
        options.Apps["0000000000000001"] = AppSelection.L2Learning;
        using var configured = new FlowRuntime(
            _events, _store, new ControllerMetrics(), Options.Create(options), NullLogger<FlowRuntime>.Instance, NullLogger<SwitchReconciler>.Instance);
        Assert.That(configured.Choose(_store.Current, withPatch), Is.EqualTo(AppSelection.L2Learning), "Runtime:Apps wins");
    }

    [Test]
    public async Task IntegrationBridge_RunsBrInt_NotTheLearningSwitch_AndIgnoresPacketIns()
    {
        const ulong brIntDpid = 0x17;
        var conn = new FakeConnection(brIntDpid, (1, "patch-tun"), (2, "tap-a"), (3, "tap-b"));
        _events.Publish(new SwitchConnected(conn));
        await Until(() => _runtime.IsInSync(brIntDpid), "br-int's flows");

        var mods = conn.Batches.SelectMany(b => b).OfType<FlowMod>().ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_runtime.AppName(brIntDpid), Is.EqualTo("br-int"));
            Assert.That(mods.Select(m => (m.Priority, m.Command)), Is.EquivalentTo(new[] { ((ushort)0, FlowModCommand.Add), ((ushort)65535, FlowModCommand.Add) }));
            Assert.That(mods.Single(m => m.Priority == 0).Instructions.OfType<ApplyActions>().Single().Actions.OfType<OutputAction>().Single().Port, Is.EqualTo(OfpPort.Normal));
        }

        // A table-miss PACKET_IN (none should come: NORMAL never sends to the controller) gets no answer.
        var before = conn.Sent.Count;
        _events.Publish(new SwitchPacketIn(conn.DatapathId, conn, PacketIn(2, src: 0x0a, dst: 0x0b)));
        _events.Publish(new SwitchPacketIn(conn.DatapathId, conn, PacketIn(3, src: 0x0b, dst: 0x0a)));
        var marker = new FakeConnection(PlainDpid, (1, "s1-eth1"));
        _events.Publish(new SwitchConnected(marker));
        await Until(() => _runtime.IsInSync(PlainDpid), "a later event, so the PACKET_INs were handled");
        Assert.That(conn.Sent, Has.Count.EqualTo(before), "no learning-switch flows or packet-outs on br-int");
    }

    [Test]
    public void Choose_PicksBrIntForAPatchTunPort_WithTheConfiguredNames()
    {
        var brInt = new SwitchSnapshot(3, [new SwitchPort(1, "patch-tun", default), new SwitchPort(2, "tap0", default)]);
        var renamed = new SwitchSnapshot(4, [new SwitchPort(1, "int-to-tun", default)]);
        Assert.That(_runtime.Choose(_store.Current, brInt), Is.EqualTo(AppSelection.BrInt));

        var plumbing = new Controller.Plumbing.PlumbingOptions { PatchTunPort = "int-to-tun", PatchIntPort = "tun-to-int" };
        using var configured = new FlowRuntime(
            _events,
            _store,
            new ControllerMetrics(),
            Options.Create(new RuntimeOptions()),
            NullLogger<FlowRuntime>.Instance,
            NullLogger<SwitchReconciler>.Instance,
            plumbing: Options.Create(plumbing));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(configured.Choose(_store.Current, renamed), Is.EqualTo(AppSelection.BrInt));
            Assert.That(configured.Choose(_store.Current, brInt), Is.EqualTo(AppSelection.L2Learning), "patch-tun is only a name");
            Assert.That(configured.Choose(_store.Current, new SwitchSnapshot(5, [new SwitchPort(1, "tun-to-int", default)])), Is.EqualTo(AppSelection.BrTun));
        }
    }

    private static FakeConnection BrTunSwitch() => new(BrTunDpid, (1, "patch-int"), (2, "vxlan-c0a84d02"));

    private static FlowStats AsStats(FlowEntry f) => new()
    {
        TableId = f.TableId,
        Priority = f.Priority,
        Cookie = f.Cookie,
        Match = f.Match,
        Instructions = f.Instructions,
        IdleTimeout = f.IdleTimeout,
        HardTimeout = f.HardTimeout,
        Flags = f.Flags,
    };

    private static PacketIn PacketIn(uint inPort, ulong src, ulong dst)
    {
        var frame = new byte[60];
        new MacAddress(dst).Write(frame);
        new MacAddress(src).Write(frame.AsSpan(6));
        frame[12] = 0x08;
        return new PacketIn { Match = Match.Canonical(Oxm.InPort(inPort)), Data = new Octets(frame), TotalLen = (ushort)frame.Length };
    }

    private static Task Until(Func<bool> condition, string what) => Poll.UntilAsync(condition, Timeout, what);
}
