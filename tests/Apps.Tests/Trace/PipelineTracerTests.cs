using Apps.Flows;
using Apps.Overlay;
using Apps.Trace;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Nicira;
using OpenFlow.Protocol;

namespace Apps.Tests.Trace;

/// <summary>The single-switch engine on hand-made flow tables: matching, masks, prerequisites, actions, misses.</summary>
public sealed class PipelineTracerTests
{
    private static readonly MacAddress Src = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Dst = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly Dictionary<uint, string> Names = new() { [1] = "patch-int", [2] = "vxlan-0a000002", [3] = "vxlan-0a000003" };

    private static FlowEntry Flow(byte table, ushort priority, Match match, params OfpInstruction[] instructions) =>
        new() { TableId = table, Priority = priority, Match = match, Instructions = [.. instructions] };

    private static TracePacket Ip(uint inPort = 1, ushort? vlan = 1, MacAddress? dst = null) =>
        new() { InPort = inPort, VlanId = vlan, EthSrc = Src, EthDst = dst ?? Dst, EthType = TracePacket.EtherTypeIpv4, Ipv4Src = 0x0a000001, Ipv4Dst = 0x0a000002 };

    [Test]
    public void HighestPriorityWins_AndGotoTableContinues_AndTheOutputCarriesThePacketAsItLeaves()
    {
        var flows = new[]
        {
            Flow(0, 1, Match.Canonical(Oxm.InPort(1)), new GotoTable(20)),
            Flow(20, 1, Match.Empty, new ApplyActions(new OutputAction(3, 0))),
            Flow(20, 2, Match.Canonical(Oxm.EthDst(Dst), Oxm.VlanVid(VlanVid.Tagged(1))),
                new ApplyActions(new PopVlanAction(), new SetFieldAction(Oxm.TunnelId(100)), new OutputAction(2, 0))),
        };

        var t = PipelineTracer.Trace(flows, Names, Ip());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Steps.Select(s => (s.Table, s.Flow!.Priority)), Is.EqualTo(new (byte, ushort)[] { (0, 1), (20, 2) }));
            Assert.That(t.Steps[1].Actions, Is.EqualTo(new[] { "pop_vlan", "set_field:0x64->tun_id", "output:2" }));
            Assert.That(t.Verdict, Is.EqualTo(TraceVerdict.Output));
            Assert.That(t.Outputs, Has.Count.EqualTo(1));
            Assert.That(t.Outputs[0].Port, Is.EqualTo(2u));
            Assert.That(t.Outputs[0].PortName, Is.EqualTo("vxlan-0a000002"));
            Assert.That(t.Outputs[0].Packet.VlanId, Is.Null);
            Assert.That(t.Outputs[0].Packet.TunId, Is.EqualTo(100UL));
            Assert.That(t.Steps[1].FlowText, Does.Contain("priority=2"));
        }
    }

    [Test]
    public void MaskedMatch_OnTheGroupBit_SplitsUnicastFromBroadcast()
    {
        var group = new MacAddress(0x0100_0000_0000UL);
        var flows = new[]
        {
            Flow(0, 1, Match.Canonical(Oxm.EthDst(MacAddress.Zero, group)), new ApplyActions(new OutputAction(2, 0))),
            Flow(0, 1, Match.Canonical(Oxm.EthDst(group, group)), new ApplyActions(new OutputAction(3, 0))),
        };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PipelineTracer.Trace(flows, Names, Ip()).Outputs.Single().Port, Is.EqualTo(2u));
            Assert.That(PipelineTracer.Trace(flows, Names, Ip(dst: MacAddress.Broadcast)).Outputs.Single().Port, Is.EqualTo(3u));
            Assert.That(PipelineTracer.Trace(flows, Names, Ip(dst: MacAddress.Parse("01:00:5e:00:00:fb"))).Outputs.Single().Port, Is.EqualTo(3u));
        }
    }

    [Test]
    public void AFieldThePacketDoesNotHave_NeverMatches_EvenWhenItsValueWouldBeZero()
    {
        // Built without validation: arp_op=0 without eth_type=arp. An IPv4 packet has no arp_op at all.
        var flows = new[]
        {
            Flow(0, 10, new Match(Oxm.ArpOp(0)), new ApplyActions(new OutputAction(3, 0))),
            Flow(0, 1, Match.Empty, new ApplyActions(new OutputAction(2, 0))),
        };

        var arp = Ip() with { EthType = TracePacket.EtherTypeArp, ArpOp = 0 };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PipelineTracer.Trace(flows, Names, Ip()).Outputs.Single().Port, Is.EqualTo(2u));
            Assert.That(PipelineTracer.Trace(flows, Names, arp).Outputs.Single().Port, Is.EqualTo(3u));
        }
    }

    [Test]
    public void UntaggedPacket_HasVlanVidNone_AndMissesATaggedMatch()
    {
        var flows = new[] { Flow(0, 1, Match.Canonical(Oxm.VlanVid(VlanVid.Tagged(1))), new ApplyActions(new OutputAction(2, 0))) };
        var tagged = PipelineTracer.Trace(flows, Names, Ip());
        var untagged = PipelineTracer.Trace(flows, Names, Ip(vlan: null));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tagged.Verdict, Is.EqualTo(TraceVerdict.Output));
            Assert.That(untagged.Verdict, Is.EqualTo(TraceVerdict.TableMiss));
            Assert.That(untagged.Steps.Single().Flow, Is.Null);
            Assert.That(untagged.Steps.Single().Note, Does.Contain("drop"));
        }
    }

    [Test]
    public void AMatchedFlowWithoutInstructions_IsAnExplicitDrop_NotATableMiss()
    {
        var t = PipelineTracer.Trace([Flow(0, 0, Match.Empty)], Names, Ip());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Verdict, Is.EqualTo(TraceVerdict.Dropped));
            Assert.That(t.Steps.Single().FlowText, Does.EndWith("actions=drop"));
            Assert.That(t.Dropped, Is.True);
        }
    }

    [Test]
    public void PushVlanThenSetField_TagsTheFrame_AndOutputInPortGoesBackWhereItCameFrom()
    {
        var flows = new[]
        {
            Flow(0, 1, Match.Empty, new ApplyActions(new PushVlanAction(0x8100), new SetFieldAction(Oxm.VlanVid(VlanVid.Tagged(7))), new OutputAction(OfpPort.InPort, 0))),
        };

        var t = PipelineTracer.Trace(flows, Names, Ip(inPort: 3, vlan: null));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Outputs.Single().Port, Is.EqualTo(3u), "IN_PORT is resolved to the packet's in_port");
            Assert.That(t.Outputs.Single().PortName, Is.EqualTo("vxlan-0a000003"));
            Assert.That(t.Outputs.Single().Packet.VlanId, Is.EqualTo((ushort)7));
            Assert.That(t.Steps[0].Actions, Does.Contain("IN_PORT"), "as ovs-ofctl writes output to the in_port");
        }
    }

    [Test]
    public void RegMove_CopiesBitSlices_AndControllerOutputIsNamed()
    {
        // Move the low 16 bits of eth_src into the high 16 bits of eth_dst.
        var flows = new[]
        {
            Flow(0, 1, Match.Empty, new ApplyActions(new NxRegMove(NxmHeader.NxmOfEthSrc, 0, NxmHeader.NxmOfEthDst, 32, 16), new OutputAction(OfpPort.Controller, 0xffff))),
        };

        var t = PipelineTracer.Trace(flows, Names, Ip());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Outputs.Single().Packet.EthDst, Is.EqualTo(MacAddress.Parse("00:01:00:00:00:02")));
            Assert.That(t.Outputs.Single().Port, Is.EqualTo(OfpPort.Controller));
            Assert.That(t.Outputs.Single().PortName, Is.EqualTo("CONTROLLER"));
            Assert.That(t.Steps[0].Actions[0], Is.EqualTo("move:NXM_OF_ETH_SRC[0..15]->NXM_OF_ETH_DST[32..47]"));
        }
    }

    [Test]
    public void Learn_IsDescribedWithThePacketsValues_AndNotApplied()
    {
        var learn = BrTunLearning.ReturnPath(20, 1, 300, 0xb70ffffffffffffUL);
        var flows = new[] { Flow(0, 1, Match.Empty, new ApplyActions(learn, new OutputAction(1, 0))) };
        var p = Ip(inPort: 2) with { TunId = 100, VlanId = 5 };

        var t = PipelineTracer.Trace(flows, Names, p);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Steps[0].Learned, Has.Count.EqualTo(1));
            Assert.That(t.Steps[0].Learned[0], Does.StartWith("table=20,priority=1,hard_timeout=300,cookie=0xb70ffffffffffff,"));
            Assert.That(t.Steps[0].Learned[0], Does.Contain("NXM_OF_VLAN_TCI[0..11]=0x5"), "the VID of the packet");
            Assert.That(t.Steps[0].Learned[0], Does.Contain("NXM_OF_ETH_DST[]=0x20000000001"), "the source MAC becomes the learned destination");
            Assert.That(t.Steps[0].Learned[0], Does.Contain("load:0x64->NXM_NX_TUN_ID[]"));
            Assert.That(t.Steps[0].Learned[0], Does.EndWith("output:2"), "back through the tunnel it came in on");
            Assert.That(t.Outputs.Single().Port, Is.EqualTo(1u));
        }
    }

    [Test]
    public void EqualPriorityOverlap_IsReportedInTheNote()
    {
        var flows = new[]
        {
            Flow(0, 1, Match.Canonical(Oxm.InPort(1)), new ApplyActions(new OutputAction(2, 0))),
            Flow(0, 1, Match.Canonical(Oxm.EthDst(Dst)), new ApplyActions(new OutputAction(3, 0))),
        };

        Assert.That(PipelineTracer.Trace(flows, Names, Ip()).Steps[0].Note, Does.StartWith("also matches at equal priority"));
    }

    [Test]
    public void GotoBackwards_AndUnmodelledInstructions_EndAsUnsupported()
    {
        var back = PipelineTracer.Trace([Flow(0, 1, Match.Empty, new GotoTable(1)), Flow(1, 1, Match.Empty, new GotoTable(0))], Names, Ip());
        var meter = PipelineTracer.Trace([Flow(0, 1, Match.Empty, new MeterInstruction(1))], Names, Ip());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(back.Verdict, Is.EqualTo(TraceVerdict.Unsupported));
            Assert.That(back.Error, Does.Contain("backwards"));
            Assert.That(meter.Verdict, Is.EqualTo(TraceVerdict.Unsupported));
            Assert.That(meter.Error, Does.Contain("meter:1"));
        }
    }

    [Test]
    public void SetFieldOnAFieldThePacketLacks_IsSkipped()
    {
        var flows = new[] { Flow(0, 1, Match.Empty, new ApplyActions(new SetFieldAction(Oxm.ArpOp(2)), new OutputAction(2, 0))) };
        var t = PipelineTracer.Trace(flows, Names, Ip());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Steps[0].Actions[0], Does.Contain("skipped"));
            Assert.That(t.Outputs.Single().Packet, Is.EqualTo(Ip()));
        }
    }

    [Test]
    public void Frame_IsParsedIntoFields_AndGarbageIsRefused()
    {
        var frame = Convert.FromHexString("ffffffffffff" + "020000000001" + "8100" + "2005" + "0806" + "0001080006040001" + "020000000001" + "0a000001" + "000000000000" + "0a000002");
        Assert.That(TracePacket.TryFromFrame(frame, 1, 0, out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.VlanId, Is.EqualTo((ushort)5));
            Assert.That(p.VlanPcp, Is.EqualTo((byte)1));
            Assert.That(p.IsArp, Is.True);
            Assert.That(p.ArpOp, Is.EqualTo((ushort)1));
            Assert.That(TracePacket.Ip(p.ArpTpa), Is.EqualTo("10.0.0.2"));
            Assert.That(p.EthDst, Is.EqualTo(MacAddress.Broadcast));
            Assert.That(p.ToOvsFlow(), Is.EqualTo("arp,in_port=1,vlan_tci=0x3005,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00"));
            Assert.That(TracePacket.TryFromFrame(frame.AsSpan(0, 13), 1, 0, out _), Is.False, "shorter than an Ethernet header");
            Assert.That(TracePacket.TryFromFrame(frame.AsSpan(0, 30), 1, 0, out _), Is.False, "ARP cut short");
        }
    }

    [Test]
    public void OvsFlowText_NamesTheL4ProtocolsOwnPortFields()
    {
        var udp = Ip() with { IpProto = 17, L4Src = 68, L4Dst = 67 };
        Assert.That(udp.ToOvsFlow(), Is.EqualTo("udp,in_port=1,vlan_tci=0x1001,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=68,udp_dst=67"));
    }
}
