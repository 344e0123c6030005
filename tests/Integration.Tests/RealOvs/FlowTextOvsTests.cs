using System.Net;
using Apps.Flows;
using Apps.L2;
using Apps.Model;
using Apps.Overlay;
using Integration.Tests.Harness;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Nicira;
using OpenFlow.Protocol;

namespace Integration.Tests.RealOvs;

/// <summary>
/// FlowText writes every flow our apps produce exactly as <c>ovs-ofctl -O OpenFlow13 --no-stats dump-flows</c>
/// does: the flows are installed on a real bridge from our own text (<c>add-flows</c>) and the switch's dump
/// is compared line for line with ours, so an operator can <c>diff</c> the two.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class FlowTextOvsTests
{
    private static readonly MacAddress A1 = MacAddress.Parse("fa:16:3e:00:0a:01");
    private static readonly MacAddress A2 = MacAddress.Parse("fa:16:3e:00:0a:02");

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs();

    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public async Task BrTunFlows_ReadExactlyAsOvsDumpsThem(L2PopulationMode mode)
    {
        var sw = new SwitchSnapshot(0x1,
        [
            new SwitchPort(1, "patch-int", default),
            new SwitchPort(2, "vxlan-0a000002", default),
            new SwitchPort(3, "gre-0a000002", default),
            new SwitchPort(4, "vxlan-0a000003", default),
            new SwitchPort(5, "gre-0a000003", default),
        ]);
        var flows = new BrTunPipeline(new BrTunOptions { L2Population = mode }).ComputeDesired(ThreeHosts(), sw);
        Assert.That(flows.Select(f => f.TableId).Distinct(), Is.SupersetOf(new byte[] { 0, 1, 2, 10, 17, 18, 19, 20, 21 }));

        await AssertOvsDumpsAsWeWriteAsync(flows);
    }

    [Test]
    public async Task L2LearningFlows_ReadExactlyAsOvsDumpsThem()
    {
        var app = new L2LearningSwitch(new L2LearningOptions { FlowIdleTimeout = 60, FlowHardTimeout = 600 });
        var tables = new L2MacTables();
        var now = DateTimeOffset.UnixEpoch;
        app.HandlePacketIn(tables, 1, 1, Frame(A2, A1), OfpConstants.NoBuffer, now);
        var back = app.HandlePacketIn(tables, 1, 2, Frame(A1, A2), OfpConstants.NoBuffer, now);
        Assert.That(back.Flow, Is.Not.Null, "a known destination gives a reactive flow");

        await AssertOvsDumpsAsWeWriteAsync([app.TableMiss, back.Flow!]);
    }

    /// <summary>Beyond what the apps produce today: the match fields, reserved ports and flags an app may use next.</summary>
    [Test]
    public async Task OtherFlowShapes_ReadExactlyAsOvsDumpsThem()
    {
        var cookie = new OpenFlow.Cookie(0x5);
        FlowEntry[] flows =
        [
            new() { TableId = 3, Priority = 32768, Match = Match.Canonical(Oxm.InPort(1)) },
            new()
            {
                TableId = 4, Priority = 7, Cookie = cookie, IdleTimeout = 5, HardTimeout = 9, Flags = FlowModFlags.SendFlowRem,
                Match = Match.Canonical(Oxm.InPort(OfpPort.Local), Oxm.EthSrc(A1), Oxm.EthDst(A2)),
                Instructions = [new ApplyActions(new OutputAction(OfpPort.Controller, 0xffff))],
            },
            new()
            {
                TableId = 5, Priority = 3,
                Match = Match.Canonical(Oxm.TunnelId(0x5, 0xff), Oxm.Metadata(1, 3), Oxm.InPort(2), Oxm.VlanVid(VlanVid.Tagged(3)), Oxm.VlanPcp(2)),
                Instructions = [new ApplyActions(new OutputAction(OfpPort.InPort, 0), new OutputAction(OfpPort.Normal, 0), new OutputAction(OfpPort.Flood, 0), new OutputAction(OfpPort.Controller, 128))],
            },
            new()
            {
                TableId = 6, Priority = 3, Match = Match.Canonical(Oxm.VlanVidPresent()),
                Instructions = [new ApplyActions(new SetFieldAction(Oxm.EthDst(A2)), new SetFieldAction(Oxm.VlanPcp(3)))],
            },
            new()
            {
                TableId = 7, Priority = 3, Match = Match.Canonical(Oxm.VlanVid(VlanVid.None)),
                Instructions = [new ClearActions(), new WriteActions(new OutputAction(3, 0), new PopVlanAction()), new WriteMetadata(1, 0xff), new GotoTable(8)],
            },
            new()
            {
                TableId = 8, Priority = 9,
                Match = Match.Canonical(Oxm.EthType(0x0806), Oxm.ArpOp(1), Oxm.ArpTpa(IPAddress.Parse("10.0.0.1"))),
                Instructions = [new ApplyActions(new OutputAction(OfpPort.All, 0))],
            },
            new()
            {
                TableId = 8, Priority = 8,
                Match = Match.Canonical(Oxm.EthType(0x0800), Oxm.IpProto(6), Oxm.Ipv4Src(IPAddress.Parse("10.0.0.0"), 24), Oxm.TcpDst(80)),
                Instructions = [new ApplyActions(new OutputAction(OfpPort.Local, 0))],
            },
            new()
            {
                TableId = 8, Priority = 7,
                Match = Match.Canonical(Oxm.EthType(0x0800), Oxm.Ipv4Dst(IPAddress.Parse("10.0.0.7"))),
                Instructions = [new ApplyActions(new SetFieldAction(Oxm.Ipv4Dst(IPAddress.Parse("10.1.2.3"))), new NxRegLoad(NxmHeader.NxmNxTunId, 0x64), NxResubmit.ToTable(9))],
            },
        ];

        await AssertOvsDumpsAsWeWriteAsync(flows);
    }

    private static async Task AssertOvsDumpsAsWeWriteAsync(IEnumerable<FlowEntry> flows)
    {
        var ours = flows.Select(FlowText.Format).Order(StringComparer.Ordinal).ToList();
        await using var host = await OvsHypervisor.StartAsync(TestPrefix.New(), 1);
        var file = Path.Combine(host.Directory, "ours.flows");
        await File.WriteAllLinesAsync(file, ours);

        await host.OfctlAsync("add-flows", OvsHypervisor.BrTun, file);
        var dump = await host.OfctlAsync("--no-stats", "dump-flows", OvsHypervisor.BrTun);

        var theirs = dump.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Order(StringComparer.Ordinal).ToList();
        Assert.That(ours, Is.EqualTo(theirs), "ours:\n" + string.Join('\n', ours) + "\novs:\n" + string.Join('\n', theirs));
    }

    private static byte[] Frame(MacAddress dst, MacAddress src)
    {
        var frame = new byte[60];
        dst.Write(frame);
        src.Write(frame.AsSpan(6));
        frame[12] = 0x08;
        return frame;
    }

    // Three hosts; tenant A (VXLAN 100) everywhere, B (VXLAN 200) on h1 and h2, C (GRE 300) on h1 and h3.
    private static NetworkSnapshot ThreeHosts() => new(
        1,
        [
            new NetworkInfo("net-a", "tenant-a", "A", Apps.Model.TunnelType.Vxlan, 100),
            new NetworkInfo("net-b", "tenant-b", "B", Apps.Model.TunnelType.Vxlan, 200),
            new NetworkInfo("net-c", "tenant-c", "C", Apps.Model.TunnelType.Gre, 300),
        ],
        [
            new HostInfo("h1", "host1", 0x1, IPAddress.Parse("10.0.0.1")),
            new HostInfo("h2", "host2", 0x2, IPAddress.Parse("10.0.0.2")),
            new HostInfo("h3", "host3", 0x3, IPAddress.Parse("10.0.0.3")),
        ],
        [
            Port("a1", "net-a", "h1", A1),
            Port("a2", "net-a", "h2", A2),
            Port("a3", "net-a", "h3", MacAddress.Parse("fa:16:3e:00:0a:03")),
            Port("b1", "net-b", "h1", MacAddress.Parse("fa:16:3e:00:0b:01")),
            Port("b2", "net-b", "h2", MacAddress.Parse("fa:16:3e:00:0b:02")),
            Port("c1", "net-c", "h1", MacAddress.Parse("fa:16:3e:00:0c:01")),
            Port("c3", "net-c", "h3", MacAddress.Parse("fa:16:3e:00:0c:03")),
        ],
        [
            new LocalVlan("h1", "net-a", 1),
            new LocalVlan("h1", "net-b", 2),
            new LocalVlan("h1", "net-c", 3),
            new LocalVlan("h2", "net-a", 5),
            new LocalVlan("h2", "net-b", 1),
            new LocalVlan("h3", "net-a", 7),
            new LocalVlan("h3", "net-c", 9),
        ]);

    // Every port gets an IPv4 and an IPv6 address (one link-local), so tables 17-19 have remote and local answers.
    private static PortInfo Port(string id, string net, string host, MacAddress mac)
    {
        var n = (byte)mac.Value;
        return new(id, net, host, mac.Value, IPAddress.Parse($"10.1.0.{n}"), "tap-" + id)
        {
            Ipv6 = IPAddress.Parse(n % 2 == 0 ? $"fe80::{n:x}" : $"fd00:1::{n:x}"),
        };
    }
}
