using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// br-tun's Neighbour Discovery responder (tables 17, 18) on real Open vSwitch: a solicitation for a known
/// port's IPv6 address is answered on the requester's host with the right MAC and never crosses the underlay;
/// one for an address nobody has still floods; another tenant's address gets no answer.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class NdResponderOverlayTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("tcpdump", "ndisc6");

    [Test]
    public async Task SolicitationForARemoteVm_IsAnsweredLocallyWithItsMac_AndNeverCrossesTheUnderlay()
    {
        await using var bed = await OverlayBed.CreateAsync(2, TunnelType.Vxlan);
        var (h1, h2) = (bed.Hosts[0], bed.Hosts[1]);
        var netA = await bed.CreateTenantNetworkAsync("a", 100);
        var netB = await bed.CreateTenantNetworkAsync("b", 200);
        var a1 = await bed.AddVmAsync(h1, "a1", netA, "10.0.0.1/24", "fd00:a::1/64");
        var a2 = await bed.AddVmAsync(h2, "a2", netA, "10.0.0.2/24", "fd00:a::2/64");
        var b1 = await bed.AddVmAsync(h1, "b1", netB, "10.0.0.1/24", "fd00:b::1/64");
        await bed.AddVmAsync(h2, "b2", netB, "10.0.0.2/24");                  // tenant B on host 2 too, without IPv6
        await bed.WaitInSyncAsync();
        var file = Path.Combine(h1.Directory, $"underlay-nd-{Guid.NewGuid():N}.pcap");
        await using var underlay = await PacketCapture.StartAsync(h1.Namespace, Underlay.InterfaceName(h1), file, "udp port 4789");

        var known = await a1.Vm.NdiscAsync("fd00:a::2");
        var unknown = await a1.Vm.NdiscAsync("fd00:a::99", tries: 2);
        var otherTenant = await b1.Vm.NdiscAsync("fd00:a::2", tries: 2);
        var packets = await underlay.StopPacketsAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(known, Is.EqualTo(a2.Mac), "tenant A's fd00:a::2 is a2 on host 2");
            Assert.That(unknown, Is.Null, "nobody has fd00:a::99");
            Assert.That(otherTenant, Is.Null, "tenant B has no fd00:a::2: tenant A's port is not B's to learn");
            Assert.That(packets.Where(l => l.Contains("who has fd00:a::2,", StringComparison.Ordinal) && l.Contains("vni 100", StringComparison.Ordinal)), Is.Empty,
                "tenant A's solicitation for a known address crossed the underlay");
            Assert.That(packets.Where(l => l.Contains("who has fd00:a::99,", StringComparison.Ordinal)), Is.Not.Empty, "a solicitation for an unknown address still floods to the tunnels");
            Assert.That(packets.Where(l => l.Contains("who has fd00:a::2,", StringComparison.Ordinal) && l.Contains("vni 200", StringComparison.Ordinal)), Is.Not.Empty,
                "tenant B's solicitation for it is a request for an unknown address in B's segment, and floods there");
        }

        // The kernel's own resolution: ping -6 learns the answered MAC and the traffic flows.
        await a1.Vm.ExecAsync(["ip", "-6", "neigh", "flush", "dev", "eth0"]);
        var pings = await a1.Vm.PingAsync("fd00:a::2", count: 3);
        var neighbour = await a1.Vm.ExecAsync(["ip", "-6", "neigh", "show", "fd00:a::2", "dev", "eth0"]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(pings, Is.EqualTo(3), "IPv6 across the overlay with the answered MAC");
            Assert.That(neighbour.Stdout, Does.Contain(a2.Mac), neighbour.Stdout);
        }
    }
}
