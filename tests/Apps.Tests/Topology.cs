using System.Collections.Immutable;
using System.Net;
using Apps.Model;
using OpenFlow;

namespace Apps.Tests;

/// <summary>
/// Test deployments. Three hosts; tenant A (VXLAN 100) on all three, tenant B (VXLAN 200) on h1
/// and h2, tenant C (GRE 300) on h1 and h3. Local VLANs differ per host on purpose: B uses VLAN 1
/// on h2, which is A's VLAN on h1.
/// </summary>
internal static class Topology
{
    public static readonly MacAddress A1 = MacAddress.Parse("fa:16:3e:00:0a:01");
    public static readonly MacAddress A2 = MacAddress.Parse("fa:16:3e:00:0a:02");
    public static readonly MacAddress A3 = MacAddress.Parse("fa:16:3e:00:0a:03");
    public static readonly MacAddress B1 = MacAddress.Parse("fa:16:3e:00:0b:01");
    public static readonly MacAddress B2 = MacAddress.Parse("fa:16:3e:00:0b:02");
    public static readonly MacAddress C1 = MacAddress.Parse("fa:16:3e:00:0c:01");
    public static readonly MacAddress C3 = MacAddress.Parse("fa:16:3e:00:0c:03");

    public static NetworkSnapshot ThreeHosts() => new(
        1,
        [
            new NetworkInfo("net-a", "tenant-a", "A", TunnelType.Vxlan, 100),
            new NetworkInfo("net-b", "tenant-b", "B", TunnelType.Vxlan, 200),
            new NetworkInfo("net-c", "tenant-c", "C", TunnelType.Gre, 300),
        ],
        [
            new HostInfo("h1", "host1", 0x1, IPAddress.Parse("10.0.0.1")),
            new HostInfo("h2", "host2", 0x2, IPAddress.Parse("10.0.0.2")),
            new HostInfo("h3", "host3", 0x3, IPAddress.Parse("10.0.0.3")),
        ],
        [
            Port("a1", "net-a", "h1", A1),
            Port("a2", "net-a", "h2", A2),
            Port("a3", "net-a", "h3", A3),
            Port("b1", "net-b", "h1", B1),
            Port("b2", "net-b", "h2", B2),
            Port("c1", "net-c", "h1", C1),
            Port("c3", "net-c", "h3", C3),
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

    /// <summary>Just h1 and h2 with tenant A (VLAN 1 on h1, 5 on h2).</summary>
    public static NetworkSnapshot TwoHosts()
    {
        var s = ThreeHosts();
        return s with
        {
            Networks = [s.Networks[0]],
            Hosts = [s.Hosts[0], s.Hosts[1]],
            Ports = [s.Ports[0], s.Ports[1]],
            LocalVlans = [s.LocalVlans[0], s.LocalVlans[3]],
        };
    }

    public static PortInfo Port(string id, string net, string host, MacAddress mac) => new(id, net, host, mac.Value, null, "tap-" + id);

    public static NetworkSnapshot WithPort(this NetworkSnapshot s, PortInfo port) => s with { Version = s.Version + 1, Ports = s.Ports.Add(port) };

    public static NetworkSnapshot WithVlan(this NetworkSnapshot s, LocalVlan vlan) => s with { Version = s.Version + 1, LocalVlans = s.LocalVlans.Add(vlan) };

    public static ImmutableArray<T> Shuffled<T>(ImmutableArray<T> items, int seed)
    {
        var rng = new Random(seed);
        return [.. items.OrderBy(_ => rng.Next())];
    }
}
