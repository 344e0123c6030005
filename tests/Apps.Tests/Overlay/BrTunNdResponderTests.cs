using System.Net;
using Apps.Flows;
using Apps.Model;
using Apps.Overlay;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Wire;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

/// <summary>
/// Tables 17 and 18 answer multicast Neighbour Solicitations for the store's ports' IPv6 addresses on the
/// requester's host, per tenant network. What the answer does to a real packet is proven on real OVS
/// (Integration.Tests, NdResponderOverlayTests); here: the flows, their bytes and their schemas.
/// </summary>
public sealed class BrTunNdResponderTests
{
    private static readonly IPAddress V6A1 = IPAddress.Parse("fd00::1");
    private static readonly IPAddress V6A2 = IPAddress.Parse("fd00::2");
    private static readonly SwitchSnapshot H1Switch = new(0x1, [new SwitchPort(1, "patch-int", default), new SwitchPort(2, "vxlan-0a000002", default)]);

    // ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "<text>" (OVS 3.1), xid 1.
    private static readonly (string OvsText, string Hex)[] Golden =
    [
        ("cookie=0xb70000000000064, table=17, priority=1,icmp6,dl_vlan=1,icmp_type=135,nd_target=fd00::2 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:fa:16:3e:00:0a:02->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fd00::2->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,goto_table:18",
            "040e00f8000000010b7000000000006400000000000000001100000000000001ffffffffffffffffffffffff000000000001002e80000a0286dd80000c021001800014013a80003a018780003e10fd00000000000000000000000000000200000004009000000000ffff001800002320000600300000000000000406000002060019001080000806fa163e000a020000ffff001800002320000600800000000000012610000128100019001880003410fd0000000000000000000000000000020019001080003a01880000000000000000190010100002046000000000000000001900101000040102000000000000000001000812000000"),
        ("cookie=0xb70000000000064, table=17, priority=1,icmp6,dl_vlan=1,icmp_type=135,nd_target=fd00::1 actions=drop",
            "040e0060000000010b7000000000006400000000000000001100000000000001ffffffffffffffffffffffff000000000001002e80000a0286dd80000c021001800014013a80003a018780003e10fd0000000000000000000000000000010000"),
    ];

    /// <summary>a1 fd00::1 (h1), a2 fd00::2 (h2), a3 fe80::3 (h3); tenant B reuses fd00::2 for b2.</summary>
    private static NetworkSnapshot WithIpv6(NetworkSnapshot s) => s with
    {
        Ports = [.. s.Ports.Select(p => p.Id switch
        {
            "a1" => p with { Ipv6 = V6A1 },
            "a2" => p with { Ipv6 = V6A2 },
            "a3" => p with { Ipv6 = IPAddress.Parse("fe80::3") },
            "b2" => p with { Ipv6 = V6A2 },
            _ => p,
        })],
    };

    [Test]
    public void Table17Flows_EncodeExactlyAsOvsOfctlDoes()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithIpv6(TwoHosts()), H1Switch).Where(f => f.TableId == BrTun.NdResponder && f.Priority == 1);
        var ours = flows.Select(f => Convert.ToHexStringLower(MessageCodec.Encode(FlowMods.Add(f) with { Xid = 1 })));

        Assert.That(ours, Is.EquivalentTo(Golden.Select(g => g.Hex)));
    }

    [Test]
    public void ARemotePortsAddress_IsAnsweredWithItsMac_PerTenant_AndALocalOneIsLeftToBrInt()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithIpv6(ThreeHosts()), new SwitchSnapshot(0x1,
            [new SwitchPort(1, "patch-int", default), new SwitchPort(2, "vxlan-0a000002", default), new SwitchPort(3, "vxlan-0a000003", default)]));
        FlowEntry Answer(ushort vlan, IPAddress target) => flows.Single(f => f.TableId == BrTun.NdResponder && f.Priority == 1
            && f.Match.Find(OxmBasic.VlanVid)!.ValueAsUInt64() == (ulong)(VlanVid.PresentBit | vlan)
            && new IPAddress(f.Match.Find(OxmBasic.Ipv6NdTarget)!.Value.Span).Equals(target));

        var a2 = Answer(1, V6A2);
        var b2 = Answer(2, V6A2);
        var a3 = Answer(1, IPAddress.Parse("fe80::3"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(EthSrcOf(a2), Is.EqualTo(A2), "tenant A's fd00::2 is a2");
            Assert.That(EthSrcOf(b2), Is.EqualTo(B2), "tenant B's fd00::2 is b2");
            Assert.That(EthSrcOf(a3), Is.EqualTo(A3), "a link-local address is answered too");
            Assert.That(Answer(1, V6A1).Instructions, Is.Empty, "a1 is on h1: br-int's NORMAL already delivered the solicitation");
            Assert.That(a2.Instructions.OfType<GotoTable>().Single().TableId, Is.EqualTo(BrTun.NdAdvert));
            Assert.That(flows.Count(f => f.TableId == BrTun.NdResponder && f.Priority == 1), Is.EqualTo(4), "a1, a2, a3 and b2; none for ports without IPv6");
        }
    }

    [Test]
    public void UnknownTargets_DadProbes_AndSolicitationsWithoutASourceOption_Flood()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithIpv6(TwoHosts()), H1Switch).ToList();
        var table17 = flows.Where(f => f.TableId == BrTun.NdResponder && f.Priority != 1).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(table17.Select(f => (f.Priority, f.Instructions.OfType<GotoTable>().Single().TableId)), Is.EquivalentTo(new[]
            {
                ((ushort)3, BrTun.FloodToTun), ((ushort)2, BrTun.FloodToTun), ((ushort)0, BrTun.FloodToTun),
            }));
            Assert.That(table17.Single(f => f.Priority == 3).Match.Find(OxmBasic.Ipv6Src)!.Value.Span.ToArray(), Is.EqualTo(new byte[16]), "DAD: from ::");
            Assert.That(table17.Single(f => f.Priority == 2).Match.Find(OxmBasic.Ipv6NdSll)!.ValueAsUInt64(), Is.Zero, "no source link-layer option");
            var diversion = flows.Single(f => f.TableId == BrTun.FromLocal && f.Instructions.OfType<GotoTable>().Any(g => g.TableId == BrTun.NdResponder));
            Assert.That(diversion.Match.Find(OxmBasic.EthDst)!.MaskAsUInt64(), Is.EqualTo(0xffff_0000_0000UL), "only multicast solicitations; unicast NUD probes reach their target");
        }
    }

    [Test]
    public void NdResponderOff_NoTables17And18_AndNoDiversion()
    {
        var flows = new BrTunPipeline(new BrTunOptions { NdResponder = false }).ComputeDesired(WithIpv6(ThreeHosts()), H1Switch);

        Assert.That(flows.Where(f => f.TableId is BrTun.NdResponder or BrTun.NdAdvert || f.Instructions.OfType<GotoTable>().Any(g => g.TableId == BrTun.NdResponder)), Is.Empty);
    }

    [Test]
    public void EveryNdFlow_FitsItsTableSchema()
    {
        var flows = new BrTunPipeline().ComputeDesired(WithIpv6(ThreeHosts()), H1Switch);

        Assert.That(flows.Where(f => f.TableId is BrTun.NdResponder or BrTun.NdAdvert), Is.Not.Empty);
        Assert.That(flows.SelectMany(f => FlowSchemaCheck.Problems(f, BrTun.Tables)), Is.Empty);
    }

    private static MacAddress EthSrcOf(FlowEntry f) =>
        new(f.Instructions.OfType<ApplyActions>().Single().Actions.OfType<SetFieldAction>().Single(a => a.Field.IsBasic(OxmBasic.EthSrc)).Field.ValueAsUInt64());
}
