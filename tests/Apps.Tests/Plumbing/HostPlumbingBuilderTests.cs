using System.Net;
using Apps.Model;
using Apps.Overlay;
using Apps.Plumbing;

namespace Apps.Tests.Plumbing;

/// <summary>Desired OVSDB state per host, over the three-host topology (A, B: VXLAN; C: GRE).</summary>
public sealed class HostPlumbingBuilderTests
{
    private static readonly PlumbingSettings Settings = new()
    {
        DatapathType = "netdev",
        ControllerTargets = ["tcp:192.168.77.100:6653"],
        UnderlayMtu = 1600,
    };

    private static HostInfo H(NetworkSnapshot s, string id) => s.Hosts.Single(h => h.Id == id);

    [Test]
    public void Bridges_AreBrIntThenBrTun_Secure_OpenFlow13_WithPatchPair()
    {
        var s = Topology.ThreeHosts();
        var p = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, []);
        var brInt = p.Bridges[0];
        var brTun = p.Bridges[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Bridges.Select(b => b.Name), Is.EqualTo(new[] { "br-int", "br-tun" }));
            foreach (var b in p.Bridges)
            {
                Assert.That(b.FailMode, Is.EqualTo("secure"));
                Assert.That(b.Protocols, Is.EqualTo(new[] { "OpenFlow13" }));
                Assert.That(b.ControllerTargets, Is.EqualTo(new[] { "tcp:192.168.77.100:6653" }));
                Assert.That(b.DatapathType, Is.EqualTo("netdev"));
            }

            var patchTun = brInt.Ports.Single();
            Assert.That((patchTun.Name, patchTun.InterfaceType, patchTun.Options["peer"]), Is.EqualTo(("patch-tun", "patch", "patch-int")));
            var patchInt = brTun.Ports.Single(x => x.Name == "patch-int");
            Assert.That((patchInt.InterfaceType, patchInt.Options["peer"]), Is.EqualTo(("patch", "patch-tun")));
            Assert.That(p.Bindings, Is.Empty);
        }
    }

    [Test]
    public void TunnelMesh_OnePortPerOtherHostPerTypeInUse_NeutronNames_KeyFlow()
    {
        var s = Topology.ThreeHosts();
        var p = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, []);
        var tunnels = p.Bridges[1].Ports.Where(x => x.Name != "patch-int").ToList();
        using (Assert.EnterMultipleScope())
        {
            // 2 other hosts x {VXLAN, GRE}, ordered by name.
            Assert.That(tunnels.Select(t => t.Name), Is.EqualTo(new[] { "gre-0a000002", "gre-0a000003", "vxlan-0a000002", "vxlan-0a000003" }));
            foreach (var t in tunnels)
            {
                Assert.That(TunnelPortName.TryParse(t.Name, out var type, out var remote), Is.True);
                Assert.That(t.InterfaceType, Is.EqualTo(type == TunnelType.Vxlan ? "vxlan" : "gre"));
                Assert.That(t.Options, Is.EqualTo(new Dictionary<string, string>
                {
                    ["key"] = "flow",
                    ["local_ip"] = "10.0.0.1",
                    ["remote_ip"] = remote!.ToString(),
                }));
            }
        }
    }

    [Test]
    public void TunnelMesh_OnlyTypesInUse_NoHostsOrNoNetworksMeansNoTunnels()
    {
        var two = Topology.TwoHosts(); // VXLAN only
        var lone = two with { Hosts = [two.Hosts[0]] };
        var noNets = two with { Networks = [] };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(HostPlumbingBuilder.TunnelMesh(two, H(two, "h1")).Select(t => t.Name), Is.EqualTo(new[] { "vxlan-0a000002" }));
            Assert.That(HostPlumbingBuilder.TunnelMesh(lone, H(lone, "h1")), Is.Empty);
            Assert.That(HostPlumbingBuilder.TunnelMesh(noNets, H(noNets, "h1")), Is.Empty);
        }
    }

    [Test]
    public void TunnelMesh_IsSymmetric_EveryHostPointsAtEveryOther()
    {
        var s = Topology.ThreeHosts();
        var edges = s.Hosts.SelectMany(h => HostPlumbingBuilder.TunnelMesh(s, h).Select(t => (Local: t.Options["local_ip"], Remote: t.Options["remote_ip"], t.InterfaceType))).ToHashSet();
        Assert.That(edges, Has.Count.EqualTo(3 * 2 * 2));
        Assert.That(edges.All(e => edges.Contains((e.Remote, e.Local, e.InterfaceType))), Is.True);
    }

    [Test]
    public void TunnelMesh_SkipsHostsSharingThisAddress_AndPairsOnlyTheSameAddressFamily()
    {
        var s = Topology.TwoHosts();
        s = s with
        {
            Hosts = s.Hosts
                .Add(new HostInfo("dup", "dup", null, IPAddress.Parse("10.0.0.1"), "sys-dup"))
                .Add(new HostInfo("v6", "v6", null, IPAddress.Parse("fd00:77::2"), "sys-v6"))
                .Add(new HostInfo("v6b", "v6b", null, IPAddress.Parse("fd00:77::1"), "sys-v6b")),
        };
        var v6 = HostPlumbingBuilder.TunnelMesh(s, H(s, "v6"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(HostPlumbingBuilder.TunnelMesh(s, H(s, "h1")).Select(t => t.Name), Is.EqualTo(new[] { "vxlan-0a000002" }));
            Assert.That(v6.Select(t => t.Name), Is.EqualTo(new[] { "vxlan-nye7dcp4n" }), "Neutron's hashed name for fd00:77::1");
            Assert.That(v6.Single().Options["remote_ip"], Is.EqualTo("fd00:77::1"));
            Assert.That(v6.Single().Options["local_ip"], Is.EqualTo("fd00:77::2"));
        }
    }

    [Test]
    public void Bindings_ByIdOrName_GetTheHostsLocalVlanAndTheNetworkMtu()
    {
        var s = Topology.ThreeHosts();
        var p = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings,
        [
            new ObservedInterface("vm-c", "tap-c1", "fa:16:3e:00:0c:01"), // by name (C is GRE)
            new ObservedInterface("vm-a", "a1"),                         // by id
            new ObservedInterface("vm-b", "b1"),
        ]);
        Assert.That(p.Bindings, Is.EqualTo(new[]
        {
            new PortBinding("vm-a", "a1", 1, 1550),
            new PortBinding("vm-b", "b1", 2, 1550),
            new PortBinding("vm-c", "c1", 3, 1558),
        }));
    }

    [Test]
    public void Bindings_SameNetworkOnAnotherHost_UsesThatHostsVlan()
    {
        var s = Topology.ThreeHosts();
        var h2 = HostPlumbingBuilder.Compute(s, H(s, "h2"), Settings, [new ObservedInterface("vm", "b2")]);
        Assert.That(h2.Bindings.Single(), Is.EqualTo(new PortBinding("vm", "b2", 1, 1550)), "B is VLAN 1 on h2, A's VLAN on h1");
    }

    [Test]
    public void Bindings_UnknownIdOrAnotherHostsPortOrNoVlan_GoToTheDeadVlan()
    {
        var s = Topology.ThreeHosts();
        s = s.WithPort(new PortInfo("novlan", "net-b", "h3", 0xfa163e000b03, null, "tap-novlan")); // h3 has no VLAN for B
        var dead = new PortBinding("x", null, HostPlumbing.DeadVlan, null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, [new ObservedInterface("x", "nobody")]).Bindings.Single(), Is.EqualTo(dead));
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, [new ObservedInterface("x", "a2")]).Bindings.Single(), Is.EqualTo(dead), "a2 is h2's port, by id");
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, [new ObservedInterface("x", "tap-a2")]).Bindings.Single(), Is.EqualTo(dead), "and by name");
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h3"), Settings, [new ObservedInterface("x", "novlan")]).Bindings.Single(), Is.EqualTo(dead));
        }
    }

    [Test]
    public void Bindings_AnIdWinsOverAName_AndAnAmbiguousNameIsDead()
    {
        var s = Topology.ThreeHosts();
        // A port on h1 whose *name* is the id of h2's port a2: the id match (on h2) wins, so dead here.
        s = s.WithPort(new PortInfo("a9", "net-a", "h1", 0xfa163e000a09, null, "a2"));
        // Two ports on h1 named "twin".
        s = s.WithPort(new PortInfo("t1", "net-a", "h1", 0xfa163e000a0a, null, "twin"))
             .WithPort(new PortInfo("t2", "net-b", "h1", 0xfa163e000b0a, null, "twin"));
        var p = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, [new ObservedInterface("p1", "a2"), new ObservedInterface("p2", "twin")]);
        Assert.That(p.Bindings.Select(b => (b.PortName, b.Tag)), Is.EqualTo(new[] { ("p1", HostPlumbing.DeadVlan), ("p2", HostPlumbing.DeadVlan) }));
    }

    [Test]
    public void Output_IsDeterministic_WhateverTheInputOrder()
    {
        var s = Topology.ThreeHosts();
        var vifs = new[] { new ObservedInterface("vm-b", "b1"), new ObservedInterface("vm-a", "a1"), new ObservedInterface("vm-x", "none") };
        var first = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, vifs);
        for (var seed = 1; seed <= 5; seed++)
        {
            var shuffled = s with { Hosts = Topology.Shuffled(s.Hosts, seed), Networks = Topology.Shuffled(s.Networks, seed), Ports = Topology.Shuffled(s.Ports, seed) };
            var again = HostPlumbingBuilder.Compute(shuffled, H(s, "h1"), Settings, [.. vifs.Reverse()]);
            Assert.That(again, Is.EqualTo(first), $"seed {seed}");
            Assert.That(again.GetHashCode(), Is.EqualTo(first.GetHashCode()), $"seed {seed}");
        }

        Assert.That(first.Bindings.Select(b => b.PortName), Is.EqualTo(new[] { "vm-a", "vm-b", "vm-x" }));
    }

    [Test]
    public void ValueEquality_SeesEveryChange()
    {
        var s = Topology.ThreeHosts();
        var a = HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings, []);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings with { ControllerTargets = ["tcp:10.9.9.9:6653"] }, []), Is.Not.EqualTo(a));
            Assert.That(HostPlumbingBuilder.Compute(s, H(s, "h1"), Settings with { DatapathType = null }, []), Is.Not.EqualTo(a));
            var moved = s with { Hosts = s.Hosts.SetItem(1, s.Hosts[1] with { TunnelIp = IPAddress.Parse("10.0.0.22") }) };
            Assert.That(HostPlumbingBuilder.Compute(moved, H(s, "h1"), Settings, []), Is.Not.EqualTo(a), "a peer's new encap IP changes the mesh");
            Assert.That(Settings with { ControllerTargets = ["tcp:192.168.77.100:6653"] }, Is.EqualTo(Settings), "settings compare targets by value");
        }
    }

    [Test]
    public void NetworkMtu_IsTheSmallestOverTheHostsItSpans_PerHostUnderlayAndIpVersion()
    {
        var s = Topology.ThreeHosts();
        var a = s.Networks.Single(n => n.Id == "net-a");   // VXLAN on h1, h2, h3
        var b = s.Networks.Single(n => n.Id == "net-b");   // VXLAN on h1, h2
        var c = s.Networks.Single(n => n.Id == "net-c");   // GRE on h1, h3
        // h3: its own 9000-byte underlay, over IPv6; h2: 1400 bytes.
        var mixed = s with
        {
            Hosts =
            [
                s.Hosts[0],
                s.Hosts[1] with { UnderlayMtu = 1400 },
                s.Hosts[2] with { UnderlayMtu = 9000, TunnelIp = IPAddress.Parse("fd00::3") },
            ],
        };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NetworkMtu.Of(s, a, 1600), Is.EqualTo(new NetworkMtuInfo(1550, 1550, null)));
            Assert.That(NetworkMtu.Of(mixed, a, 1600).Effective, Is.EqualTo(1350), "h2's 1400 less 50");
            Assert.That(NetworkMtu.Of(mixed, c, 1600).Effective, Is.EqualTo(1558), "h1 (1600, GRE 42) is smaller than h3 (9000 over IPv6, 62)");
            Assert.That(NetworkMtu.Of(mixed with { Hosts = [mixed.Hosts[2]] }, c, 1600).Effective, Is.EqualTo(8938), "only the hosts the network spans (and are known) count");
            Assert.That(NetworkMtu.Of(mixed, b with { Mtu = 1300 }, 1600), Is.EqualTo(new NetworkMtuInfo(1300, 1350, 1300)), "a configured MTU below the maximum");
            Assert.That(NetworkMtu.Of(mixed, b with { Mtu = 1500 }, 1600).Effective, Is.EqualTo(1350), "never above it (a smaller global setting after a restart)");
            var unplaced = new NetworkInfo("net-z", "t", "Z", TunnelType.Geneve, 9) { Mtu = 8000 };
            Assert.That(NetworkMtu.Of(mixed, unplaced, 1600), Is.EqualTo(new NetworkMtuInfo(8000, 1550, 8000)), "a network on no host yet: the default over IPv4, configured as given");
            Assert.That(NetworkMtu.Overhead(TunnelType.Geneve, ipv6Underlay: true), Is.EqualTo(70));
            Assert.That(NetworkMtu.Overhead(TunnelType.Gre, ipv6Underlay: true), Is.EqualTo(62));
        }

        var p = HostPlumbingBuilder.Compute(mixed, H(mixed, "h1"), Settings, [new ObservedInterface("vm-a", "a1")]);
        Assert.That(p.Bindings.Single().MtuRequest, Is.EqualTo(1350), "mtu_request is the network's, not this host's alone");
    }

    [Test]
    public void NetworkMtu_IsTheUnderlayLessTheEncapsulation()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NetworkMtu.For(TunnelType.Vxlan, 1500), Is.EqualTo(1450));
            Assert.That(NetworkMtu.For(TunnelType.Gre, 1500), Is.EqualTo(1458));
            Assert.That(NetworkMtu.For(TunnelType.Vxlan, 9000), Is.EqualTo(8950));
            Assert.That(() => NetworkMtu.For(TunnelType.Vxlan, 600), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }
}
