using System.Net;
using Apps.Flows;
using Apps.Model;
using Apps.Overlay;
using Apps.Tests.Fakes;
using OpenFlow;
using OpenFlow.Wire;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

/// <summary>Table 19 answers ARP requests for the store's ports on the requester's host, per tenant network.</summary>
public sealed class BrTunArpResponderTests
{
    private static readonly IPAddress IpA1 = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress IpA2 = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress IpA3 = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress IpA4 = IPAddress.Parse("10.0.0.4");
    private static readonly MacAddress A4 = MacAddress.Parse("fa:16:3e:00:0a:04");

    // ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "<text>" (OVS 3.1), xid 1.
    private static readonly (string OvsText, string Hex)[] Golden =
    [
        ("cookie=0xb70000000000064, table=19, priority=1,arp,dl_vlan=1,arp_tpa=10.0.0.2,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:fa:16:3e:00:0a:02->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:fa:16:3e:00:0a:02->arp_sha,set_field:10.0.0.2->arp_spa,IN_PORT",
            "040e00f0000000010b7000000000006400000000000000001300000000000001ffffffffffffffffffffffff000000000001001e80000a02080680000c02100180002a02000180002e040a0000020000000400a000000000ffff001800002320000600300000000000000406000002060019001080000806fa163e000a0200000019001080002a020002000000000000ffff00180000232000060030000000000001220600012406ffff001800002320000600200000000000002004000022040019001080003006fa163e000a0200000019001080002c040a0000020000000000000010fffffff80000000000000000"),
        ("cookie=0xb70000000000064, table=19, priority=1,arp,dl_vlan=1,arp_tpa=10.0.0.1,arp_op=1 actions=drop",
            "040e0050000000010b7000000000006400000000000000001300000000000001ffffffffffffffffffffffff000000000001001e80000a02080680000c02100180002a02000180002e040a0000010000"),
    ];

    /// <summary>Tenant A's ports get 10.0.0.1-3; tenant B reuses 10.0.0.2 for b2 (overlapping address plans).</summary>
    private static NetworkSnapshot WithIps(NetworkSnapshot s) => s with
    {
        Ports = [.. s.Ports.Select(p => p.Id switch
        {
            "a1" => p with { Ip = IpA1 },
            "a2" => p with { Ip = IpA2 },
            "a3" => p with { Ip = IpA3 },
            "b2" => p with { Ip = IpA2 },
            _ => p,
        })],
    };

    private static FakeOverlay Overlay(NetworkSnapshot state, bool arpResponder = true) =>
        new(state, new BrTunPipeline(new BrTunOptions { L2Population = L2PopulationMode.On, ArpResponder = arpResponder }));

    [Test]
    public void Table19Flows_EncodeExactlyAsOvsOfctlDoes()
    {
        var sw = new SwitchSnapshot(0x1, [new SwitchPort(1, "patch-int", default), new SwitchPort(2, "vxlan-0a000002", default)]);
        var state = WithIps(TwoHosts());

        var table19 = new BrTunPipeline().ComputeDesired(state, sw).Where(f => f.TableId == BrTun.ArpResponder && f.Priority == 1);
        var ours = table19.Select(f => Convert.ToHexStringLower(MessageCodec.Encode(FlowMods.Add(f) with { Xid = 1 })));

        Assert.That(ours, Is.EquivalentTo(Golden.Select(g => g.Hex)));
    }

    [Test]
    public void RequestForARemotePortsIp_IsAnsweredOnTheRequestersHost_AndNeverEntersATunnel()
    {
        var trace = Overlay(WithIps(ThreeHosts())).SendArpRequestFromVm("h1", 1, A1, IpA1, IpA2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.Violations, Is.Empty);
            Assert.That(trace.TunnelHops, Is.Empty);
            Assert.That(trace.Deliveries, Has.Count.EqualTo(1));
            var reply = trace.Deliveries[0];
            Assert.That(reply.HostId, Is.EqualTo("h1"));
            Assert.That(reply.Packet.Vlan, Is.EqualTo((ushort)1), "back to br-int on the requester's VLAN");
            Assert.That(reply.Packet.EthDst, Is.EqualTo(A1));
            Assert.That(reply.Packet.EthSrc, Is.EqualTo(A2));
            Assert.That(reply.Packet.Arp, Is.EqualTo(new FakeArp(2, A2, IpA2, A1, IpA1)));
        }
    }

    [Test]
    public void OverlappingTenantIps_EachTenantGetsItsOwnPortsMac()
    {
        var overlay = Overlay(WithIps(ThreeHosts()));

        // On h1, VLAN 1 is tenant A and VLAN 2 tenant B; both ask for 10.0.0.2.
        var fromA = overlay.SendArpRequestFromVm("h1", 1, A1, IpA1, IpA2);
        var fromB = overlay.SendArpRequestFromVm("h1", 2, B1, IPAddress.Parse("10.0.0.9"), IpA2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fromA.Deliveries.Single().Packet.Arp!.Sha, Is.EqualTo(A2));
            Assert.That(fromB.Deliveries.Single().Packet.Arp!.Sha, Is.EqualTo(B2));
            Assert.That(fromB.Deliveries.Single().Packet.Vlan, Is.EqualTo((ushort)2));
            Assert.That(fromA.TunnelHops.Concat(fromB.TunnelHops), Is.Empty);
        }
    }

    [Test]
    public void RequestForAnUnknownIp_StillFloodsToTheNetworksHosts()
    {
        var trace = Overlay(WithIps(ThreeHosts())).SendArpRequestFromVm("h1", 1, A1, IpA1, IPAddress.Parse("10.0.0.77"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.Violations, Is.Empty);
            Assert.That(trace.TunnelHops.Select(h => h.ToHostId), Is.EquivalentTo(new[] { "h2", "h3" }));
            Assert.That(trace.Deliveries.Select(d => d.HostId), Is.EquivalentTo(new[] { "h2", "h3" }));
        }
    }

    [Test]
    public void RequestForALocalPortsIp_IsLeftToBrInt_NothingEntersATunnelAndNoSecondReply()
    {
        var state = WithIps(ThreeHosts()).WithPort(new PortInfo("a4", "net-a", "h1", A4.Value, IpA4, "tap-a4"));

        var trace = Overlay(state).SendArpRequestFromVm("h1", 1, A1, IpA1, IpA4);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.TunnelHops, Is.Empty);
            Assert.That(trace.Deliveries, Is.Empty, "br-int's NORMAL already handed the request to the local VM");
        }
    }

    [Test]
    public void ArpResponderOff_RequestsFloodAsBefore()
    {
        var overlay = Overlay(WithIps(ThreeHosts()), arpResponder: false);

        var trace = overlay.SendArpRequestFromVm("h1", 1, A1, IpA1, IpA2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overlay.Host("h1").Desired.Any(f => f.TableId == BrTun.ArpResponder), Is.False);
            Assert.That(trace.TunnelHops.Select(h => h.ToHostId), Is.EquivalentTo(new[] { "h2", "h3" }));
        }
    }

    [Test]
    public void EveryArpFlow_FitsItsTableSchema()
    {
        var state = WithIps(ThreeHosts());
        var overlay = Overlay(state);

        var flows = overlay.Host("h1").Desired.Where(f => f.TableId is BrTun.ArpResponder or BrTun.FromLocal).ToList();

        Assert.That(flows.Where(f => f.TableId == BrTun.ArpResponder).Count(), Is.EqualTo(1 + 3 + 1), "default + tenant A's three IPs + tenant B's b2");
        Assert.That(flows.SelectMany(f => FlowSchemaCheck.Problems(f, BrTun.Tables)), Is.Empty);
    }
}
