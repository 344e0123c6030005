using System.Net;
using Apps.Model;
using Apps.Overlay;
using Apps.Tests.Fakes;
using Apps.Trace;
using OpenFlow;
using OpenFlow.Protocol;
using static Apps.Tests.Topology;

namespace Apps.Tests.Trace;

/// <summary>The multi-hop trace over the br-tun flows the pipeline computes for each host.</summary>
public sealed class OverlayTracerTests
{
    [Test]
    public void KnownUnicast_CrossesOneTunnel_AndIsDeliveredToTheDestinationVmWithTheReceiversVlan()
    {
        var bed = new TraceBed(TwoHosts());

        var hops = bed.Trace("h1", TraceBed.FromVm(1, A1, A2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops, Has.Count.EqualTo(2));
            Assert.That(hops[0].Trace.Steps.Select(s => s.Table), Is.EqualTo(new byte[] { 0, 1, 20 }));
            Assert.That(hops[0].Outputs.Single().Kind, Is.EqualTo(HopOutputKind.Tunnel));
            Assert.That(hops[0].Outputs.Single().NextHop, Is.EqualTo(1));
            Assert.That(hops[0].Outputs.Single().Packet.TunId, Is.EqualTo(100UL));
            Assert.That(hops[0].Outputs.Single().Packet.VlanId, Is.Null);
            Assert.That(hops[1].Host.Id, Is.EqualTo("h2"));
            Assert.That(hops[1].FromHop, Is.EqualTo(0));
            Assert.That(hops[1].Trace.Input.InPort, Is.EqualTo(bed.TunnelPort("h2", "h1")), "enters on h2's tunnel toward h1");
            Assert.That(hops[1].InPortName, Is.EqualTo("vxlan-0a000001"));
            Assert.That(hops[1].Trace.Steps.Select(s => s.Table), Is.EqualTo(new byte[] { 0, 2, 10 }));
            Assert.That(hops[1].Trace.Steps[^1].Learned, Has.Count.EqualTo(1), "table 10 would learn the way back");
            var delivery = hops[1].Outputs.Single();
            Assert.That(delivery.Kind, Is.EqualTo(HopOutputKind.Delivered));
            Assert.That(delivery.Packet.VlanId, Is.EqualTo((ushort)5), "h2's VLAN for tenant A");
            Assert.That(delivery.Network!.Id, Is.EqualTo("net-a"));
            Assert.That(delivery.VmPorts!.Select(p => p.Id), Is.EqualTo(new[] { "a2" }));
        }
    }

    [Test]
    public void Broadcast_FloodsToEveryHostOfTheNetwork_AndNeverBackIntoATunnel()
    {
        var bed = new TraceBed(ThreeHosts());

        var hops = bed.Trace("h1", TraceBed.FromVm(1, A1, MacAddress.Broadcast));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops[0].Outputs.Select(o => o.ToHostId), Is.EquivalentTo(new[] { "h2", "h3" }));
            Assert.That(hops.Skip(1).Select(h => h.Host.Id), Is.EquivalentTo(new[] { "h2", "h3" }));
            Assert.That(hops.Skip(1).SelectMany(h => h.Outputs).Select(o => o.Kind), Is.All.EqualTo(HopOutputKind.Delivered), "split horizon");
            var byHost = hops.Skip(1).ToDictionary(h => h.Host.Id, h => h.Outputs.Single());
            Assert.That(byHost["h2"].Packet.VlanId, Is.EqualTo((ushort)5));
            Assert.That(byHost["h3"].Packet.VlanId, Is.EqualTo((ushort)7));
            Assert.That(byHost["h2"].VmPorts!.Select(p => p.Id), Is.EqualTo(new[] { "a2" }));
            Assert.That(byHost["h2"].Note, Does.Contain("broadcast"));
        }
    }

    [Test]
    public void UnknownTunId_IsDroppedInTable2()
    {
        var bed = new TraceBed(TwoHosts());
        var p = new TracePacket { InPort = bed.TunnelPort("h1", "h2"), TunId = 999, EthSrc = A2, EthDst = A1, EthType = TracePacket.EtherTypeIpv4 };

        var hops = bed.Trace("h1", p);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops, Has.Count.EqualTo(1));
            Assert.That(hops[0].Trace.Steps.Select(s => (s.Table, s.Flow!.Priority)), Is.EqualTo(new (byte, ushort)[] { (0, 1), (2, 0) }));
            Assert.That(hops[0].Trace.Verdict, Is.EqualTo(TraceVerdict.Dropped));
            Assert.That(hops[0].Outputs, Is.Empty);
        }
    }

    [Test]
    public void ArpForARemotePort_IsAnsweredBackIntoBrInt_ToTheRequester()
    {
        var ipA1 = IPAddress.Parse("192.168.1.1");
        var ipA2 = IPAddress.Parse("192.168.1.2");
        var state = TwoHosts();
        state = state with { Ports = [state.Ports[0] with { Ip = ipA1 }, state.Ports[1] with { Ip = ipA2 }] };
        var bed = new TraceBed(state);
        var request = TraceBed.FromVm(1, A1, MacAddress.Broadcast) with
        {
            EthType = TracePacket.EtherTypeArp,
            ArpOp = 1,
            ArpSha = A1,
            ArpSpa = TracePacket.Ip(ipA1),
            ArpTpa = TracePacket.Ip(ipA2),
        };

        var hops = bed.Trace("h1", request);

        var reply = hops.Single().Outputs.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops.Single().Trace.Steps.Select(s => s.Table), Is.EqualTo(new byte[] { 0, 1, 19 }));
            Assert.That(reply.Port, Is.EqualTo(1u), "IN_PORT = patch-int");
            Assert.That(reply.Kind, Is.EqualTo(HopOutputKind.Delivered));
            Assert.That(reply.VmPorts!.Select(p => p.Id), Is.EqualTo(new[] { "a1" }), "to the requester's MAC");
            Assert.That(reply.Packet.EthDst, Is.EqualTo(A1));
            Assert.That(reply.Packet.EthSrc, Is.EqualTo(A2));
            Assert.That(reply.Packet.ArpOp, Is.EqualTo((ushort)2));
            Assert.That(reply.Packet.ArpSha, Is.EqualTo(A2));
            Assert.That(reply.Packet.ArpTha, Is.EqualTo(A1));
            Assert.That(TracePacket.Ip(reply.Packet.ArpSpa), Is.EqualTo("192.168.1.2"));
            Assert.That(TracePacket.Ip(reply.Packet.ArpTpa), Is.EqualTo("192.168.1.1"));
        }
    }

    [Test]
    public void ATunnelToAHostWhoseSwitchIsNotConnected_EndsThere()
    {
        var bed = new TraceBed(TwoHosts());
        bed.Views.Remove(bed.Host("h2").DatapathId!.Value);

        var hops = bed.Trace("h1", TraceBed.FromVm(1, A1, A2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops, Has.Count.EqualTo(1));
            Assert.That(hops[0].Outputs.Single().Kind, Is.EqualTo(HopOutputKind.TunnelUnresolved));
            Assert.That(hops[0].Outputs.Single().Note, Does.Contain("not connected"));
        }
    }

    [Test]
    public void WrongVlanFromPatchInt_IsDropped()
    {
        var hops = new TraceBed(TwoHosts()).Trace("h1", TraceBed.FromVm(99, A1, A2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops.Single().Outputs, Is.Empty);
            Assert.That(hops.Single().Trace.Steps.Select(s => s.Table), Is.EqualTo(new byte[] { 0, 1, 20, 21 }));
        }
    }

    [Test]
    public void DhcpFromAVmOfANetworkWithAPrefix_GoesToTheController()
    {
        var state = TwoHosts();
        state = state with { Networks = [state.Networks[0] with { Subnet = IPNetwork.Parse("192.168.1.0/24") }] };
        var discover = TraceBed.FromVm(1, A1, MacAddress.Broadcast) with { IpProto = 17, L4Src = 68, L4Dst = 67, Ipv4Src = 0, Ipv4Dst = 0xffffffff };

        var hops = new TraceBed(state).Trace("h1", discover);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hops.Single().Outputs.Single().Kind, Is.EqualTo(HopOutputKind.Controller));
            Assert.That(hops.Single().Outputs.Single().Port, Is.EqualTo(OfpPort.Controller));
            Assert.That(hops.Single().Trace.Steps.Select(s => (s.Table, s.Flow!.Priority)), Is.EqualTo(new (byte, ushort)[] { (0, 1), (1, BrTun.DhcpPriority) }));
        }
    }

    /// <summary>
    /// The engine and the test fake (Faucet-style table) agree on where frames end up, for every pair of
    /// tenant-A VMs and a broadcast, in both l2population modes.
    /// </summary>
    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public void DeliveriesAgreeWithTheFakeFlowTable(L2PopulationMode mode)
    {
        var app = new BrTunPipeline(new BrTunOptions { L2Population = mode });
        var vlans = new Dictionary<string, ushort> { ["h1"] = 1, ["h2"] = 5, ["h3"] = 7 };
        var vms = new[] { ("h1", A1), ("h2", A2), ("h3", A3) };
        foreach (var (host, src) in vms)
        {
            foreach (var dst in vms.Select(v => v.Item2).Where(m => m != src).Append(MacAddress.Broadcast))
            {
                // A fresh fake each time: the fake applies learn actions, the engine never does.
                var fake = new FakeOverlay(ThreeHosts(), app).SendFromVm(host, vlans[host], src, dst);
                var hops = new TraceBed(ThreeHosts(), app).Trace(host, TraceBed.FromVm(vlans[host], src, dst));
                var ours = hops.SelectMany(h => h.Outputs.Where(o => o.Kind == HopOutputKind.Delivered).Select(o => (h.Host.Id, o.Packet.VlanId))).OrderBy(x => x.Id).ToList();
                var theirs = fake.Deliveries.Select(d => (d.HostId, d.Packet.Vlan)).OrderBy(x => x.HostId).ToList();
                Assert.That(ours, Is.EqualTo(theirs), $"{host} {src} -> {dst} ({mode})");
            }
        }
    }
}
