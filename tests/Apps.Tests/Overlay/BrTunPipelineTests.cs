using System.Net;
using Apps.Overlay;
using Apps.Flows;
using Apps.Model;
using Apps.Tests.Fakes;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Wire;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

public sealed class BrTunPipelineTests
{
    private static IEnumerable<TestCaseData> Hosts() =>
        from mode in new[] { L2PopulationMode.On, L2PopulationMode.Off, L2PopulationMode.Auto }
        from host in new[] { "h1", "h2", "h3" }
        select new TestCaseData(mode, host);

    [TestCaseSource(nameof(Hosts))]
    public void EveryFlowFitsItsTableSchema(L2PopulationMode mode, string host)
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline(new BrTunOptions { L2Population = mode }));

        var problems = overlay.Host(host).Desired.SelectMany(f => FlowSchemaCheck.Problems(f, Apps.Overlay.BrTun.Tables).Select(p => $"{f}: {p}"));

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void SchemaCheck_RejectsAFieldOrGotoTheTableDoesNotDeclare()
    {
        var bad = new FlowEntry
        {
            TableId = Apps.Overlay.BrTun.FloodToTun,
            Priority = 1,
            Match = new Match(Oxm.TunnelId(1)),
            Instructions = [new GotoTable(Apps.Overlay.BrTun.Learn)],
        };

        Assert.That(FlowSchemaCheck.Problems(bad, Apps.Overlay.BrTun.Tables), Has.Count.EqualTo(3));
    }

    [Test]
    public void Host1_HasTheSeedPipeline()
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline(new BrTunOptions { L2Population = L2PopulationMode.Off }));
        var text = overlay.Host("h1").Desired.Select(f => f.ToString()).ToList();
        var c = "cookie=0xb70000000000000";

        // Ports on h1: patch-int 1, vxlan to h2 = 2, vxlan to h3 = 3, gre to h2 = 4, gre to h3 = 5.
        Assert.That(text, Is.EqualTo(new[]
        {
            $"{c}, priority=1,in_port=1 actions=goto_table:1",
            $"{c}, priority=1,in_port=2 actions=goto_table:2",
            $"{c}, priority=1,in_port=3 actions=goto_table:2",
            $"{c}, priority=1,in_port=4 actions=goto_table:2",
            $"{c}, priority=1,in_port=5 actions=goto_table:2",
            $"{c}, priority=0 actions=drop",
            $"{c}, table=1, priority=2,arp,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1 actions=goto_table:19",
            $"{c}, table=1, priority=2,icmp6,dl_dst=33:33:00:00:00:00/ff:ff:00:00:00:00,icmp_type=135 actions=goto_table:17",
            $"{c}, table=1, priority=1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=goto_table:20",
            $"{c}, table=1, priority=1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=goto_table:21",
            "cookie=0xb70000000000064, table=2, priority=1,tun_id=0x64 actions=push_vlan:0x8100,set_field:4097->vlan_vid,goto_table:10",
            "cookie=0xb700000000000c8, table=2, priority=1,tun_id=0xc8 actions=push_vlan:0x8100,set_field:4098->vlan_vid,goto_table:10",
            "cookie=0xb7000000000012c, table=2, priority=1,tun_id=0x12c actions=push_vlan:0x8100,set_field:4099->vlan_vid,goto_table:10",
            $"{c}, table=2, priority=0 actions=drop",
            $"{c}, table=10, priority=1 actions=learn(table=20,hard_timeout=300,priority=1,cookie=0xb70ffffffffffff,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1",
            $"{c}, table=17, priority=3,icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:21",
            $"{c}, table=17, priority=2,icmp6,icmp_type=135,nd_sll=00:00:00:00:00:00 actions=goto_table:21",
            $"{c}, table=17, priority=0 actions=goto_table:21",
            $"{c}, table=18, priority=1,icmp6,icmp_type=136 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT",
            $"{c}, table=18, priority=0 actions=drop",
            $"{c}, table=19, priority=0 actions=goto_table:21",
            $"{c}, table=20, priority=0 actions=goto_table:21",
            "cookie=0xb70000000000064, table=21, priority=1,dl_vlan=1 actions=pop_vlan,set_field:0x64->tun_id,output:2,output:3",
            "cookie=0xb700000000000c8, table=21, priority=1,dl_vlan=2 actions=pop_vlan,set_field:0xc8->tun_id,output:2,output:3",
            "cookie=0xb7000000000012c, table=21, priority=1,dl_vlan=3 actions=pop_vlan,set_field:0x12c->tun_id,output:4,output:5",
            $"{c}, table=21, priority=0 actions=drop",
        }));
    }

    [Test]
    public void LearnFlow_UsesTheBrTunLearnActionWithTheLearnedCookie()
    {
        var overlay = new FakeOverlay(TwoHosts(), new BrTunPipeline());
        var learnFlow = overlay.Host("h1").Desired.Single(f => f.TableId == Apps.Overlay.BrTun.Learn);

        var actions = ((ApplyActions)learnFlow.Instructions.Single()).Actions;

        Assert.That(actions, Is.EqualTo(new OfpAction[]
        {
            BrTunLearning.ReturnPath(Apps.Overlay.BrTun.UcastToTun, 1, 300, BrTunPipeline.LearnedCookie.Value),
            new OutputAction(FakeOverlay.PatchPort, 0),
        }));
    }

    [Test]
    public void L2Pop_AddsPriority2UnicastFlowsForEveryRemotePortOfTheHostsNetworks()
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline(new BrTunOptions { L2Population = L2PopulationMode.On }));
        var h1 = overlay.Host("h1");

        var l2pop = h1.Desired.Where(f => f.TableId == Apps.Overlay.BrTun.UcastToTun && f.Priority == Apps.Overlay.BrTun.L2PopPriority).Select(f => f.ToString());

        Assert.That(l2pop, Is.EquivalentTo(new[]
        {
            "cookie=0xb70000000000064, table=20, priority=2,dl_vlan=1,dl_dst=fa:16:3e:00:0a:02 actions=pop_vlan,set_field:0x64->tun_id,output:2",
            "cookie=0xb70000000000064, table=20, priority=2,dl_vlan=1,dl_dst=fa:16:3e:00:0a:03 actions=pop_vlan,set_field:0x64->tun_id,output:3",
            "cookie=0xb700000000000c8, table=20, priority=2,dl_vlan=2,dl_dst=fa:16:3e:00:0b:02 actions=pop_vlan,set_field:0xc8->tun_id,output:2",
            "cookie=0xb7000000000012c, table=20, priority=2,dl_vlan=3,dl_dst=fa:16:3e:00:0c:03 actions=pop_vlan,set_field:0x12c->tun_id,output:5",
        }));
    }

    [Test]
    public void L2Pop_FloodsOnlyToHostsThatHaveTheNetwork()
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline(new BrTunOptions { L2Population = L2PopulationMode.On }));

        var floodB = overlay.Host("h1").Desired.Single(f => f.TableId == Apps.Overlay.BrTun.FloodToTun && f.Cookie.Local == 200);

        Assert.That(floodB.ToString(), Does.EndWith("actions=pop_vlan,set_field:0xc8->tun_id,output:2"));
    }

    [Test]
    public void HostWithoutPortsOfANetwork_GetsNoFlowsForIt()
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline());

        var segments = overlay.Host("h3").Desired.Select(f => f.Cookie.Local).Where(l => l != 0).Distinct();

        Assert.That(segments, Is.EquivalentTo(new ulong[] { 100, 300 }));
    }

    [Test]
    public void ChangingOneNetwork_LeavesEveryOtherFlowByteIdentical()
    {
        var app = new BrTunPipeline(new BrTunOptions { L2Population = L2PopulationMode.On });
        var overlay = new FakeOverlay(ThreeHosts(), app);
        var before = overlay.Host("h1").Desired.ToList();

        overlay.Install(overlay.State.WithPort(Port("b3", "net-b", "h3", MacAddress.Parse("fa:16:3e:00:0b:03"))).WithVlan(new LocalVlan("h3", "net-b", 11)));
        var after = overlay.Host("h1").Desired.ToList();

        static string Bytes(FlowEntry f) => Convert.ToHexString(MessageCodec.Encode(FlowMods.Add(f)));
        var otherBefore = before.Where(f => f.Cookie.Local != 200).Select(Bytes).ToList();
        var otherAfter = after.Where(f => f.Cookie.Local != 200).Select(Bytes).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(otherAfter, Is.EqualTo(otherBefore), "same flows, same order, same bytes");
            Assert.That(after.Except(before).Select(f => f.ToString()), Is.EquivalentTo(new[]
            {
                "cookie=0xb700000000000c8, table=20, priority=2,dl_vlan=2,dl_dst=fa:16:3e:00:0b:03 actions=pop_vlan,set_field:0xc8->tun_id,output:3",
                "cookie=0xb700000000000c8, table=21, priority=1,dl_vlan=2 actions=pop_vlan,set_field:0xc8->tun_id,output:2,output:3",
            }));
        }
    }

    [Test]
    public void OutputIsDeterministic_RegardlessOfInputOrder()
    {
        var app = new BrTunPipeline();
        var state = ThreeHosts();
        var sw = new FakeOverlay(state, app).Host("h1").Switch;
        var expected = app.ComputeDesired(state, sw).Select(f => f.ToString()).ToList();

        for (var seed = 1; seed <= 5; seed++)
        {
            var shuffled = state with
            {
                Networks = Shuffled(state.Networks, seed),
                Ports = Shuffled(state.Ports, seed),
                LocalVlans = Shuffled(state.LocalVlans, seed),
                Hosts = Shuffled(state.Hosts, seed),
            };
            var swShuffled = sw with { Ports = Shuffled(sw.Ports, seed) };

            Assert.That(app.ComputeDesired(shuffled, swShuffled).Select(f => f.ToString()), Is.EqualTo(expected), $"seed {seed}");
        }
    }

    [TestCase("vxlan-c0a83202", TunnelType.Vxlan, "192.168.50.2")]
    [TestCase("gre-0a0a656e", TunnelType.Gre, "10.10.101.110")]
    public void TunnelPortName_ParsesTheNeutronConvention(string name, TunnelType type, string ip)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TunnelPortName.TryParse(name, out var t, out var remote), Is.True);
            Assert.That(t, Is.EqualTo(type));
            Assert.That(remote, Is.EqualTo(IPAddress.Parse(ip)));
            Assert.That(TunnelPortName.Format(type, IPAddress.Parse(ip)), Is.EqualTo(name));
        }
    }

    [TestCase("vxlan-c0a8320")]
    [TestCase("vxlan-c0a832021")]
    [TestCase("vxlan-zza83202")]
    [TestCase("geneve-c0a83202")]
    [TestCase("patch-int")]
    [TestCase("")]
    public void TunnelPortName_RejectsOtherNames(string name)
    {
        Assert.That(TunnelPortName.TryParse(name, out _, out _), Is.False);
    }

    [Test]
    public void TunnelPorts_DeclaredMappingWins_UnparseableIgnored_UnknownPeerKept()
    {
        var state = TwoHosts() with { TunnelPorts = [new TunnelPortDeclaration("tun-to-h2", "h2", TunnelType.Vxlan)] };
        var sw = new SwitchSnapshot(0x1,
        [
            new SwitchPort(1, "patch-int", default),
            new SwitchPort(7, "tun-to-h2", default),
            new SwitchPort(8, "vxlan-0a0000fe", default), // a peer nobody declared
            new SwitchPort(9, "eth0", default),
        ]);
        var app = new BrTunPipeline();

        var tunnels = app.FindTunnelPorts(state, sw);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tunnels, Is.EqualTo(new[]
            {
                new TunnelPort(7, "tun-to-h2", TunnelType.Vxlan, "h2"),
                new TunnelPort(8, "vxlan-0a0000fe", TunnelType.Vxlan, null),
            }));
            Assert.That(app.UsesL2Population(tunnels), Is.False, "auto: one peer is unknown");
            var flood = app.ComputeDesired(state, sw).Single(f => f.TableId == Apps.Overlay.BrTun.FloodToTun && f.Priority == 1);
            Assert.That(flood.ToString(), Does.EndWith("output:7,output:8"), "without l2pop, flood to every tunnel of the type");
            Assert.That(app.ComputeDesired(state, sw).Where(f => f.TableId == 0 && f.Priority == 1).Select(f => f.ToString()), Has.Exactly(3).Items);
        }
    }

    [Test]
    public void L2PopAuto_IsOnWhenEveryPeerIsKnown()
    {
        var overlay = new FakeOverlay(ThreeHosts(), new BrTunPipeline());

        Assert.That(overlay.Host("h1").Desired.Count(f => f.TableId == BrTun.UcastToTun && f.Priority == BrTun.L2PopPriority), Is.EqualTo(4));
    }

    [Test]
    public void UnknownSwitch_GetsOnlyTheStaticSkeleton_AndNoPatchPortMeansNoLearnFlow()
    {
        var app = new BrTunPipeline();
        var flows = app.ComputeDesired(ThreeHosts(), new SwitchSnapshot(0x99, [new SwitchPort(3, "vxlan-0a000001", default)]));

        Assert.That(flows.Select(f => f.ToString()), Is.EqualTo(new[]
        {
            "cookie=0xb70000000000000, priority=1,in_port=3 actions=goto_table:2",
            "cookie=0xb70000000000000, priority=0 actions=drop",
            "cookie=0xb70000000000000, table=1, priority=2,arp,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1 actions=goto_table:19",
            "cookie=0xb70000000000000, table=1, priority=2,icmp6,dl_dst=33:33:00:00:00:00/ff:ff:00:00:00:00,icmp_type=135 actions=goto_table:17",
            "cookie=0xb70000000000000, table=1, priority=1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=goto_table:20",
            "cookie=0xb70000000000000, table=1, priority=1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=goto_table:21",
            "cookie=0xb70000000000000, table=2, priority=0 actions=drop",
            "cookie=0xb70000000000000, table=17, priority=3,icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:21",
            "cookie=0xb70000000000000, table=17, priority=2,icmp6,icmp_type=135,nd_sll=00:00:00:00:00:00 actions=goto_table:21",
            "cookie=0xb70000000000000, table=17, priority=0 actions=goto_table:21",
            "cookie=0xb70000000000000, table=18, priority=1,icmp6,icmp_type=136 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT",
            "cookie=0xb70000000000000, table=18, priority=0 actions=drop",
            "cookie=0xb70000000000000, table=19, priority=0 actions=goto_table:21",
            "cookie=0xb70000000000000, table=20, priority=0 actions=goto_table:21",
            "cookie=0xb70000000000000, table=21, priority=0 actions=drop",
        }));
    }

    [Test]
    public void NetworkWithoutALocalVlanOnThisHost_GetsNoFlows()
    {
        var state = ThreeHosts();
        state = state with { LocalVlans = state.LocalVlans.RemoveAll(v => v.HostId == "h1" && v.NetworkId == "net-b") };
        var overlay = new FakeOverlay(state, new BrTunPipeline());

        Assert.That(overlay.Host("h1").Desired.Select(f => f.Cookie.Local), Has.None.EqualTo(200UL));
    }

    [Test]
    public void DeclarationForAnotherHost_DoesNotApplyHere()
    {
        var state = TwoHosts() with { TunnelPorts = [new TunnelPortDeclaration("tun-x", "h2", TunnelType.Vxlan, OnHostId: "h2")] };
        var sw = new SwitchSnapshot(0x1, [new SwitchPort(1, "patch-int", default), new SwitchPort(7, "tun-x", default)]);

        Assert.That(new BrTunPipeline().FindTunnelPorts(state, sw), Is.Empty);
    }
}
