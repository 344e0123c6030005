using Apps.Overlay;
using Apps.Model;
using Apps.Tests.Fakes;
using OpenFlow;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

/// <summary>Where frames go through the computed br-tun flows of several hosts (fake flow tables).</summary>
public sealed class BrTunScenarioTests
{
    private static FakeOverlay Overlay(L2PopulationMode mode, NetworkSnapshot? state = null) =>
        new(state ?? ThreeHosts(), new BrTunPipeline(new BrTunOptions { L2Population = mode }));

    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public void TwoHosts_UnicastA1ToA2_LeavesOnTheRightTunnelAndArrivesWithTheLocalVlanOfHost2(L2PopulationMode mode)
    {
        var overlay = Overlay(mode, TwoHosts());

        // With l2pop the MAC is known up front; without, the first frame floods (only h2 exists).
        var trace = overlay.SendFromVm("h1", 1, A1, A2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.Violations, Is.Empty);
            Assert.That(trace.TunnelHops, Is.EqualTo(new[] { new OverlayHop("h1", "h2", "vxlan-0a000002", TunnelType.Vxlan, 100) }));
            Assert.That(trace.Deliveries, Has.Count.EqualTo(1));
            Assert.That(trace.Deliveries[0].HostId, Is.EqualTo("h2"));
            Assert.That(trace.Deliveries[0].Packet.Vlan, Is.EqualTo((ushort)5), "h2's local VLAN for tenant A");
            Assert.That(trace.Deliveries[0].Packet.EthDst, Is.EqualTo(A2));
            Assert.That(trace.Deliveries[0].Packet.EthSrc, Is.EqualTo(A1));
        }
    }

    [Test]
    public void L2PopOn_KnownUnicastGoesOnlyToTheDestinationHost()
    {
        var overlay = Overlay(L2PopulationMode.On);

        var trace = overlay.SendFromVm("h1", 1, A1, A3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.Violations, Is.Empty);
            Assert.That(trace.TunnelHops.Select(h => (h.ToHostId, h.TunId)), Is.EqualTo(new[] { ("h3", 100UL) }));
            Assert.That(trace.Deliveries.Select(d => (d.HostId, d.Packet.Vlan)), Is.EqualTo(new[] { ("h3", (ushort?)7) }));
        }
    }

    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public void BroadcastFromAVm_ReachesEachOtherHostOnce(L2PopulationMode mode)
    {
        var overlay = Overlay(mode);

        var trace = overlay.SendFromVm("h2", 5, A2, MacAddress.Broadcast);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.Violations, Is.Empty);
            Assert.That(trace.Deliveries.Select(d => d.HostId), Is.EquivalentTo(new[] { "h1", "h3" }));
            Assert.That(trace.Deliveries.Single(d => d.HostId == "h1").Packet.Vlan, Is.EqualTo((ushort)1));
            Assert.That(trace.Deliveries.Single(d => d.HostId == "h3").Packet.Vlan, Is.EqualTo((ushort)7));
            Assert.That(trace.TunnelHops.All(h => h.TunId == 100), Is.True);
        }
    }

    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public void TenantsAreIsolated_TenantBFramesNeverCarryTenantAsKeyOrVlan(L2PopulationMode mode)
    {
        var overlay = Overlay(mode);

        var traces = new[]
        {
            overlay.SendFromVm("h1", 2, B1, MacAddress.Broadcast),
            overlay.SendFromVm("h1", 2, B1, B2),
            overlay.SendFromVm("h1", 2, B1, A2), // a tenant-A MAC seen from tenant B: must stay in B
            overlay.SendFromVm("h2", 1, B2, MacAddress.Broadcast), // VLAN 1 on h2 is B, on h1 it is A
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var trace in traces)
            {
                Assert.That(trace.Violations, Is.Empty);
                Assert.That(trace.TunnelHops.Select(h => h.TunId), Is.All.EqualTo(200UL));
                Assert.That(trace.Deliveries.Select(d => d.HostId), Is.All.Not.EqualTo("h3"), "h3 has no tenant-B port");
                foreach (var d in trace.Deliveries)
                {
                    Assert.That(d.Packet.Vlan, Is.EqualTo(d.HostId == "h1" ? (ushort)2 : (ushort)1), $"B's VLAN on {d.HostId}");
                }
            }
        }
    }

    [Test]
    public void L2PopOff_TenantBFloodReachesHost3ButIsDroppedThere()
    {
        var overlay = Overlay(L2PopulationMode.Off);

        var trace = overlay.SendFromVm("h1", 2, B1, MacAddress.Broadcast);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(trace.TunnelHops.Select(h => h.ToHostId), Is.EquivalentTo(new[] { "h2", "h3" }));
            Assert.That(trace.Deliveries.Select(d => d.HostId), Is.EqualTo(new[] { "h2" }));
        }
    }

    [TestCase(L2PopulationMode.On)]
    [TestCase(L2PopulationMode.Off)]
    public void SplitHorizon_NothingFromATunnelGoesBackIntoATunnel(L2PopulationMode mode)
    {
        var overlay = Overlay(mode);
        var macs = new[] { A1, A2, A3, B1, B2, C1, C3, MacAddress.Broadcast, MacAddress.Parse("01:00:5e:00:00:01"), MacAddress.Parse("fa:16:3e:99:99:99") };

        // Teach every host some reverse paths first, so learned entries are in play too.
        overlay.SendFromVm("h1", 1, A1, MacAddress.Broadcast);
        overlay.SendFromVm("h2", 5, A2, MacAddress.Broadcast);
        overlay.SendFromVm("h3", 7, A3, MacAddress.Broadcast);

        using (Assert.EnterMultipleScope())
        {
            foreach (var host in new[] { "h1", "h2", "h3" })
            {
                foreach (var peer in new[] { "h1", "h2", "h3" }.Where(p => p != host))
                {
                    foreach (var (type, tunId) in new[] { (TunnelType.Vxlan, 100UL), (TunnelType.Vxlan, 200UL), (TunnelType.Gre, 300UL), (TunnelType.Vxlan, 999UL) })
                    {
                        foreach (var dst in macs)
                        {
                            var trace = overlay.ReceiveFromTunnel(host, peer, type, tunId, MacAddress.Parse("fa:16:3e:77:77:77"), dst);
                            Assert.That(trace.Violations, Is.Empty);
                            Assert.That(trace.TunnelHops, Is.Empty, $"{host} from {peer} tun_id {tunId} dst {dst}");
                            Assert.That(trace.Deliveries.Count, Is.LessThanOrEqualTo(1));
                        }
                    }
                }
            }
        }
    }

    [Test]
    public void UnknownSegmentFromTunnel_IsDropped()
    {
        var overlay = Overlay(L2PopulationMode.On);

        var trace = overlay.ReceiveFromTunnel("h3", "h1", TunnelType.Vxlan, 200, B1, MacAddress.Broadcast);

        Assert.That(trace.Deliveries, Is.Empty, "h3 has no tenant-B port, so no table-2 flow for 200");
    }

    [Test]
    public void L2PopOff_LearnedReversePathMakesTheReplyUnicast()
    {
        var overlay = Overlay(L2PopulationMode.Off);

        var first = overlay.SendFromVm("h1", 1, A1, A2);
        var reply = overlay.SendFromVm("h2", 5, A2, A1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.TunnelHops.Select(h => h.ToHostId), Is.EquivalentTo(new[] { "h2", "h3" }), "unknown unicast floods");
            Assert.That(reply.TunnelHops.Select(h => (h.ToHostId, h.PortName, h.TunId)), Is.EqualTo(new[] { ("h1", "vxlan-0a000001", 100UL) }));
            Assert.That(reply.Deliveries.Select(d => (d.HostId, d.Packet.Vlan)), Is.EqualTo(new[] { ("h1", (ushort?)1) }));
            var learned = overlay.Host("h2").Table.Flows.Where(f => f.Cookie == BrTunPipeline.LearnedCookie).ToList();
            Assert.That(learned, Has.Count.EqualTo(1));
            Assert.That(learned[0].TableId, Is.EqualTo(Apps.Overlay.BrTun.UcastToTun));
            Assert.That(learned[0].Priority, Is.EqualTo(Apps.Overlay.BrTun.LearnedPriority));
            Assert.That(learned[0].HardTimeout, Is.EqualTo((ushort)300));
        }
    }

    [Test]
    public void GreNetwork_UsesOnlyGreTunnels_AndVxlanNetworksOnlyVxlan()
    {
        var overlay = Overlay(L2PopulationMode.Off);

        var c = overlay.SendFromVm("h1", 3, C1, MacAddress.Broadcast);
        var a = overlay.SendFromVm("h1", 1, A1, MacAddress.Broadcast);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.TunnelHops.Select(h => h.Type), Is.All.EqualTo(TunnelType.Gre));
            Assert.That(c.TunnelHops.Select(h => h.TunId), Is.All.EqualTo(300UL));
            Assert.That(c.Deliveries.Select(d => (d.HostId, d.Packet.Vlan)), Is.EqualTo(new[] { ("h3", (ushort?)9) }));
            Assert.That(a.TunnelHops.Select(h => h.Type), Is.All.EqualTo(TunnelType.Vxlan));
        }
    }

    [Test]
    public void NetworkAddedOnAHost_StartsForwardingThere()
    {
        var overlay = Overlay(L2PopulationMode.On);
        var b3 = MacAddress.Parse("fa:16:3e:00:0b:03");
        overlay.Install(overlay.State.WithPort(Port("b3", "net-b", "h3", b3)).WithVlan(new LocalVlan("h3", "net-b", 11)));

        var trace = overlay.SendFromVm("h1", 2, B1, b3);

        Assert.That(trace.Deliveries.Select(d => (d.HostId, d.Packet.Vlan)), Is.EqualTo(new[] { ("h3", (ushort?)11) }));
    }
}
