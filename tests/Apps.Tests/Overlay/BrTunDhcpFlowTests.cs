using System.Net;
using Apps.Flows;
using Apps.Model;
using Apps.Overlay;
using OpenFlow.Wire;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

/// <summary>br-tun sends DHCP of networks with a prefix to the controller and answers ARP for the virtual server.</summary>
public sealed class BrTunDhcpFlowTests
{
    // ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "<text>" (OVS 3.1), xid 1.
    private static readonly (string OvsText, string Hex)[] Golden =
    [
        ("cookie=0xb70000000000064, table=1, priority=3,udp,dl_vlan=1,tp_src=68,tp_dst=67 actions=CONTROLLER:65535",
            "040e0070000000010b7000000000006400000000000000000100000000000003ffffffffffffffffffffffff000000000001002180000a02080080000c021001800014011180001e02004480002002004300000000000000000400180000000000000010fffffffdffff000000000000"),
        ("cookie=0xb70000000000064, table=19, priority=1,arp,dl_vlan=1,arp_tpa=10.1.0.254,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:0f:c0:d4:c9:00->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:0f:c0:d4:c9:00->arp_sha,set_field:10.1.0.254->arp_spa,IN_PORT",
            "040e00f0000000010b7000000000006400000000000000001300000000000001ffffffffffffffffffffffff000000000001001e80000a02080680000c02100180002a02000180002e040a0100fe0000000400a000000000ffff001800002320000600300000000000000406000002060019001080000806020fc0d4c90000000019001080002a020002000000000000ffff00180000232000060030000000000001220600012406ffff001800002320000600200000000000002004000022040019001080003006020fc0d4c90000000019001080002c040a0100fe0000000000000010fffffff80000000000000000"),
    ];

    private static readonly SwitchSnapshot H1Switch = new(0x1, [new SwitchPort(1, "patch-int", default), new SwitchPort(2, "vxlan-0a000002", default)]);

    private static NetworkSnapshot WithSubnet(NetworkSnapshot s) => s with
    {
        Networks = [.. s.Networks.Select(n => n.Id == "net-a" ? n with { Subnet = IPNetwork.Parse("10.1.0.0/24") } : n)],
    };

    [Test]
    public void DhcpFlows_EncodeExactlyAsOvsOfctlDoes()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithSubnet(TwoHosts()), H1Switch)
            .Where(f => (f.TableId == BrTun.FromLocal && f.Priority == BrTun.DhcpPriority) || (f.TableId == BrTun.ArpResponder && f.Priority == 1));

        var ours = flows.Select(f => Convert.ToHexStringLower(MessageCodec.Encode(FlowMods.Add(f) with { Xid = 1 })));

        Assert.That(ours, Is.EquivalentTo(Golden.Select(g => g.Hex)));
    }

    [Test]
    public void NetworkWithoutPrefix_KeepsFloodingDhcp_SoATenantsOwnServerStillWorks()
    {
        var flows = new BrTunPipeline().ComputeDesired(TwoHosts(), H1Switch);

        Assert.That(flows.Where(f => f.TableId == BrTun.FromLocal && f.Priority == BrTun.DhcpPriority), Is.Empty);
    }

    [Test]
    public void DhcpOff_NoDiversionAndNoServerArp()
    {
        var flows = new BrTunPipeline(new BrTunOptions { Dhcp = false }).ComputeDesired(WithSubnet(TwoHosts()), H1Switch);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(flows.Where(f => f.TableId == BrTun.FromLocal && f.Priority == BrTun.DhcpPriority), Is.Empty);
            Assert.That(flows.Where(f => f.TableId == BrTun.ArpResponder && f.Priority == 1), Is.Empty);
            Assert.That(flows.SelectMany(f => FlowSchemaCheck.Problems(f, BrTun.Tables)), Is.Empty);
        }
    }

    [Test]
    public void DhcpFlows_FitTheirTableSchemas()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithSubnet(ThreeHosts()), H1Switch);

        Assert.That(flows.SelectMany(f => FlowSchemaCheck.Problems(f, BrTun.Tables)), Is.Empty);
    }
}
