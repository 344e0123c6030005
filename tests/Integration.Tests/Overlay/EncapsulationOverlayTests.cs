using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// The overlay over Geneve, and over an IPv6 underlay for each tunnel type, on real Open vSwitch (userspace
/// datapath): ping and TCP within a tenant across hosts, nothing across tenants with overlapping addresses.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class EncapsulationOverlayTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "iperf3");

    [TestCase(TunnelType.Geneve, false, TestName = "Geneve over IPv4")]
    [TestCase(TunnelType.Vxlan, true, TestName = "VXLAN over IPv6")]
    [TestCase(TunnelType.Gre, true, TestName = "GRE over IPv6")]
    [TestCase(TunnelType.Geneve, true, TestName = "Geneve over IPv6")]
    public async Task PingAndTcp_WithinATenant_AcrossHosts_AndTenantsStayApart(TunnelType type, bool ipv6Underlay)
    {
        await using var o = await TwoTenantOverlay.CreateAsync(type, ipv6Underlay: ipv6Underlay);
        await o.Bed.WaitInSyncAsync();
        var tunnel = o.Bed.Topology.TunnelPort(o.H1, o.H2);
        var ports = await o.H1.VsctlAsync("--columns=name,type,options", "list", "interface", tunnel);

        // The userspace datapath drops the first packet toward an endpoint it has not resolved yet (for IPv6
        // it learns the neighbour by snooping ND); one uncounted ping per tenant warms each path.
        await o.A1.Vm.PingAsync("10.0.0.2", count: 1);
        await o.B1.Vm.PingAsync("10.0.0.2", count: 1);
        var withinA = await o.A1.Vm.PingAsync("10.0.0.2", count: 3);
        var withinB = await o.B1.Vm.PingAsync("10.0.0.2", count: 3);
        var neighbourA = await o.A1.Vm.ExecAsync(["ip", "neigh", "show", "10.0.0.2"]);
        await using var server = await o.A2.Vm.StartIperf3ServerAsync();
        var bitsPerSecond = await o.A1.Vm.Iperf3ClientAsync("10.0.0.2", seconds: 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ports.Stdout, Does.Match($@"type\s+: {type.Name()}\b"), ports.Stdout);
            Assert.That(ports.Stdout, Does.Contain(o.Bed.Topology.Underlay.IpOf(o.H2)), "the tunnel leads to host 2's underlay address");
            Assert.That(withinA, Is.EqualTo(3), "tenant A, host 1 -> host 2");
            Assert.That(withinB, Is.EqualTo(3), "tenant B, host 1 -> host 2");
            Assert.That(neighbourA.Stdout, Does.Contain(o.A2.Mac), "tenant A's 10.0.0.2 is tenant A's VM, not tenant B's");
            Assert.That(bitsPerSecond, Is.GreaterThan(1e6), "TCP across the overlay");
        }
    }
}
