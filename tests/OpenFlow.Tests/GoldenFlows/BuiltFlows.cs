using System.Collections.Immutable;
using System.Net;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Tests.Nicira;
using X = OpenFlow.Matching.Oxm;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>FLOW_MODs built in code through the public API, keyed by their flows.txt name.</summary>
internal static class BuiltFlows
{
    private const ulong LearnCookie = 0xbeef000000000001;

    public static IReadOnlyDictionary<string, FlowMod> All { get; } = Build();

    private static FlowMod F(Match? match = null, byte table = 0, ushort priority = 0x8000, params OfpInstruction[] instructions) => new()
    {
        Xid = 1,
        TableId = table,
        Priority = priority,
        Match = match ?? Match.Empty,
        Instructions = [.. instructions],
    };

    private static ApplyActions Apply(params OfpAction[] actions) => new(actions);

    private static Match M(params OxmField[] fields) => Match.Canonical(fields);

    private static Dictionary<string, FlowMod> Build()
    {
        var ip = X.EthType(0x0800);
        var mpls = X.EthType(0x8847);
        var d = new Dictionary<string, FlowMod>
        {
            // br-tun pipeline
            ["brtun_t0_from_patch"] = F(M(X.InPort(1)), 0, 1, new GotoTable(1)),
            ["brtun_t0_from_tunnel"] = F(M(X.InPort(2)), 0, 1, new GotoTable(2)),
            ["brtun_t0_drop"] = F(null, 0, 0),
            ["brtun_t1_unicast"] = F(M(X.EthDst(MacAddress.Zero, new MacAddress(0x010000000000))), 1, 0, new GotoTable(20)),
            ["brtun_t1_multicast"] = F(M(X.EthDst(new MacAddress(0x010000000000), new MacAddress(0x010000000000))), 1, 0, new GotoTable(21)),
            ["brtun_t2_tunnel"] = F(M(X.TunnelId(0x64)), 2, 1, Apply(new PushVlanAction(), new SetFieldAction(X.VlanVid(VlanVid.Tagged(1)))), new GotoTable(10)),
            ["brtun_t2_drop"] = F(null, 2, 0),
            ["brtun_t10_learn"] = F(null, 10, 1, Apply(LearnSamples.BrTunShaped(20, 1, 300, LearnCookie), new OutputAction(1, 0))) with { Cookie = new Cookie(0xbeef000000000000) },
            ["brtun_t20_l2pop"] = F(M(X.EthDst(MacAddress.Parse("fa:16:3e:00:00:01")), X.VlanVid(VlanVid.Tagged(1))), 20, 2, Apply(new PopVlanAction(), new SetFieldAction(X.TunnelId(0x64)), new OutputAction(2, 0))),
            ["brtun_t20_default"] = F(null, 20, 0, new GotoTable(21)),
            ["brtun_t20_learned"] = F(M(X.VlanVid(VlanVid.FromRaw(1), 0x0fff), X.EthDst(MacAddress.Parse("fa:16:3e:00:00:02"))), 20, 1, Apply(new NxRegLoad(NxmHeader.NxmOfVlanTci, 0), new NxRegLoad(NxmHeader.NxmNxTunId, 0x64), new OutputAction(2, 0))) with { Cookie = new Cookie(LearnCookie), HardTimeout = 300 },
            ["brtun_t21_flood"] = F(M(X.VlanVid(VlanVid.Tagged(1))), 21, 1, Apply(new PopVlanAction(), new SetFieldAction(X.TunnelId(0x64)), new OutputAction(2, 0), new OutputAction(3, 0))),
            ["brtun_t21_drop"] = F(null, 21, 0),

            // actions
            ["a_output"] = F(instructions: Apply(new OutputAction(1, 0))),
            ["a_output_controller"] = F(instructions: Apply(new OutputAction(OfpPort.Controller))),
            ["a_output_controller_128"] = F(instructions: Apply(new OutputAction(OfpPort.Controller, 128))),
            ["a_output_reserved"] = F(instructions: Apply(new OutputAction(OfpPort.InPort, 0), new OutputAction(OfpPort.Normal, 0), new OutputAction(OfpPort.Flood, 0), new OutputAction(OfpPort.All, 0), new OutputAction(OfpPort.Local, 0))),
            ["a_group"] = F(instructions: Apply(new GroupAction(7))),
            ["a_set_queue"] = F(instructions: Apply(new SetQueueAction(3), new OutputAction(1, 0))),
            ["a_push_vlan"] = F(instructions: Apply(new PushVlanAction(), new SetFieldAction(X.VlanVid(VlanVid.Tagged(1))))),
            ["a_push_vlan_qinq"] = F(instructions: Apply(new PushVlanAction(0x88a8))),
            ["a_pop_vlan"] = F(M(X.VlanVid(VlanVid.Tagged(5))), instructions: Apply(new PopVlanAction())),
            ["a_push_mpls"] = F(M(ip), instructions: Apply(new PushMplsAction())),
            ["a_pop_mpls"] = F(M(mpls), instructions: Apply(new PopMplsAction(0x0800))),
            ["a_set_mpls_ttl"] = F(M(mpls), instructions: Apply(new SetMplsTtlAction(5))),
            ["a_dec_mpls_ttl"] = F(M(mpls), instructions: Apply(new DecMplsTtlAction())),
            ["a_set_nw_ttl"] = F(M(ip), instructions: Apply(new SetNwTtlAction(9))),
            ["a_dec_nw_ttl"] = F(M(ip), instructions: Apply(new DecNwTtlAction())),
            ["a_set_field_eth"] = F(instructions: Apply(new SetFieldAction(X.EthDst(MacAddress.Parse("00:11:22:33:44:55"))), new SetFieldAction(X.EthSrc(MacAddress.Parse("66:77:88:99:aa:bb"))))),
            ["a_set_field_ipv4"] = F(M(ip), instructions: Apply(new SetFieldAction(X.Ipv4Src(IPAddress.Parse("10.0.0.1"))), new SetFieldAction(X.Ipv4Dst(IPAddress.Parse("10.0.0.2"))))),
            ["a_set_field_tcp"] = F(M(ip, X.IpProto(6)), instructions: Apply(new SetFieldAction(X.TcpDst(8080)))),
            ["a_set_field_tun_id"] = F(instructions: Apply(new SetFieldAction(X.TunnelId(0x64)), new OutputAction(2, 0))),
            ["a_set_field_reg"] = F(instructions: Apply(new SetFieldAction(X.NxReg(0, 5)))),
            ["a_set_field_tun_dst"] = F(instructions: Apply(new SetFieldAction(X.TunIpv4Dst(IPAddress.Parse("192.168.50.2"))))),
            ["a_set_field_mpls_label"] = F(M(mpls), instructions: Apply(new SetFieldAction(X.MplsLabel(100)))),

            // Nicira actions
            ["nx_learn_defaults"] = F(instructions: Apply(new NxLearn { Specs = [NxLearnSpec.MatchField(NxmHeader.NxmOfEthDst, NxmHeader.NxmOfEthSrc), NxLearnSpec.OutputField(NxmHeader.NxmOfInPort)] })),
            ["nx_resubmit_table"] = F(instructions: Apply(NxResubmit.ToTable(5))),
            ["nx_resubmit_port"] = F(instructions: Apply(new NxResubmit(3, NxResubmit.TableUnchanged))),
            ["nx_resubmit_port_table"] = F(instructions: Apply(new NxResubmit(2, 5))),
            ["nx_reg_load"] = F(instructions: Apply(new NxRegLoad(NxmHeader.NxmNxReg(0), 5))),
            ["nx_reg_load_bits"] = F(instructions: Apply(new NxRegLoad(NxmHeader.NxmNxReg(3), 4, 6, 1))),
            ["nx_reg_load_tun_id"] = F(instructions: Apply(new NxRegLoad(NxmHeader.NxmNxTunId, 0, 24, 0x123456))),
            ["nx_reg_move"] = F(instructions: Apply(new NxRegMove(NxmHeader.NxmNxReg(0), NxmHeader.NxmNxReg(1)))),
            ["nx_reg_move_eth"] = F(instructions: Apply(new NxRegMove(NxmHeader.NxmOfEthSrc, NxmHeader.NxmOfEthDst))),
            ["nx_reg_move_bits"] = F(instructions: Apply(new NxRegMove(NxmHeader.NxmNxReg(0), 0, NxmHeader.NxmNxReg(1), 4, 4))),
            ["nx_note"] = F(instructions: Apply(new NxNote(new byte[] { 1, 2, 3 }))),
            ["nx_note_long"] = F(instructions: Apply(new NxNote(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }))),

            // instructions
            ["i_goto_table"] = F(instructions: new GotoTable(5)),
            ["i_write_metadata"] = F(instructions: new WriteMetadata(1, 0xff)),
            ["i_write_actions"] = F(instructions: new WriteActions(new OutputAction(1, 0))),
            ["i_clear_actions"] = F(instructions: new ClearActions()),
            ["i_meter"] = F(instructions: [new MeterInstruction(1), Apply(new OutputAction(2, 0))]),
            ["i_all"] = F(
                M(X.EthType(0x0806), X.ArpOp(1)),
                instructions:
                [
                    new MeterInstruction(3), Apply(new OutputAction(4, 0)), new ClearActions(),
                    new WriteActions(new SetQueueAction(1), new OutputAction(1, 0)), new WriteMetadata(0x10, 0xf0), new GotoTable(5),
                ]),

            // flow_mod header
            ["f_cookie_timeouts"] = F(null, 3, 100) with { Cookie = new Cookie(0x1122334455667788), IdleTimeout = 30, HardTimeout = 600 },
            ["f_flags"] = F(null, 0, 7) with { Flags = FlowModFlags.SendFlowRem | FlowModFlags.CheckOverlap | FlowModFlags.ResetCounts | FlowModFlags.NoPktCounts | FlowModFlags.NoBytCounts },
            ["f_max_priority"] = F(null, 254, 65535),

            // matches
            ["m_many_fields"] = F(M(
                X.TunIpv4Dst(IPAddress.Parse("2.2.2.0"), IPAddress.Parse("255.255.255.0")), X.TunIpv4Src(IPAddress.Parse("1.1.1.1")),
                X.NxReg(1, 2, 0xf), X.NxReg(0, 1), X.Metadata(7, 0xff), X.TunnelId(5), X.TcpDst(90), X.TcpSrc(80), X.IpEcn(1), X.IpDscp(2),
                X.Ipv4Dst(IPAddress.Parse("5.6.7.0"), 24), X.Ipv4Src(IPAddress.Parse("1.2.3.4")), X.VlanPcp(3), X.VlanVid(VlanVid.Tagged(5)),
                X.EthDst(new MacAddress(2)), X.EthSrc(new MacAddress(1)), X.InPort(1), X.IpProto(6), ip)),
            ["m_in_port_local"] = F(M(X.InPort(OfpPort.Local))),
            ["m_metadata_masked"] = F(M(X.Metadata(0x10, 0xf0))),
            ["m_vlan_vid_present"] = F(M(X.VlanVidPresent())),
            ["m_vlan_vid_none"] = F(M(X.VlanVid(VlanVid.None))),
            ["m_ipv6_src_masked"] = F(M(X.Ipv6Src(IPAddress.Parse("2001:db8::"), 32), X.EthType(0x86dd))),
            ["m_ipv6_flabel_masked"] = F(M(X.Ipv6Flabel(0x12300, 0xfff00), X.EthType(0x86dd))),
            ["m_nd_tll"] = F(M(X.Ipv6NdTll(new MacAddress(8)), X.Icmpv6Type(136), X.IpProto(58), X.EthType(0x86dd))),
            ["m_arp_tha_masked"] = F(M(X.ArpTha(MacAddress.Zero, new MacAddress(0xffffff000000)), X.EthType(0x0806))),
            ["m_mpls_bos"] = F(M(X.MplsBos(true), mpls)),
            ["m_sctp_dst"] = F(M(X.SctpDst(2905), X.IpProto(132), ip)),
            ["m_icmpv4_code"] = F(M(X.Icmpv4Code(1), X.Icmpv4Type(3), X.IpProto(1), ip)),
            ["m_nx_reg7_masked"] = F(M(X.NxReg(7, 0x11, 0xff))),
            ["m_nx_pkt_mark"] = F(M(X.NxPktMark(9))),
        };
        return d;
    }

    public static ImmutableArray<string> Names => [.. All.Keys];
}
