using Integration.Tests.Harness;

namespace Integration.Tests.Plumbing;

/// <summary>
/// Issue 9, proof 1: three hosts whose only set-up is system-id, encap IP and <c>set-manager</c>; tenants, networks
/// and ports over REST; VMs plugged with iface-id only. The controller builds br-int, br-tun, the patch ports and
/// the tunnel mesh and tags the VM ports; tenants reach each other across hosts and never across tenants, with
/// overlapping IPs, over VXLAN and over GRE.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class ZeroTouchThreeHostTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");

    [TestCase(TunnelType.Vxlan)]
    [TestCase(TunnelType.Gre)]
    public async Task SetManagerOnly_TenantsPingAcrossHosts_AndNeverAcrossTenants(TunnelType tunnel)
    {
        await using var bed = await ZeroTouchBed.CreateAsync(3);
        var red = await bed.CreateNetworkAsync("red", tunnel, 100);
        var blue = await bed.CreateNetworkAsync("blue", tunnel, 200);
        var reds = new List<BoundVm>();
        var blues = new List<BoundVm>();
        foreach (var h in bed.Hosts)
        {
            // The same addresses in both tenants (10.0.0.n on host n); blue also has 10.0.0.13, which red lacks.
            reds.Add(await bed.AddVmAsync(h, $"r{h.Index}", red, $"10.0.0.{h.Index}/24"));
            blues.Add(await bed.AddVmAsync(h, $"b{h.Index}", blue, $"10.0.0.{h.Index}/24"));
        }

        var extraBlue = await bed.AddVmAsync(bed.Hosts[2], "bx", blue, "10.0.0.13/24");
        await bed.WaitForMeshAsync([tunnel]);
        await bed.WaitForSegmentsAsync(bed.Hosts.ToDictionary(h => h, _ => new uint[] { 100, 200 }));

        var tags = bed.Hosts.Select(h => (Red: reds[h.Index - 1].Tag, Blue: blues[h.Index - 1].Tag)).ToList();
        using (Assert.EnterMultipleScope())
        {
            foreach (var (r, b) in tags)
            {
                Assert.That(r, Is.Not.EqualTo(b), "the two tenants get different local VLANs on a host");
            }

            Assert.That(extraBlue.Tag, Is.EqualTo(blues[2].Tag), "one local VLAN per (host, network)");
            Assert.That(await Reach.PingAfterWarmUpAsync(reds[0], reds[1].Ip), Is.EqualTo(3), $"red h1 -> h2 over {tunnel}");
            Assert.That(await Reach.PingAfterWarmUpAsync(reds[0], reds[2].Ip), Is.EqualTo(3), $"red h1 -> h3 over {tunnel}");
            Assert.That(await Reach.PingAfterWarmUpAsync(reds[2], reds[1].Ip), Is.EqualTo(3), $"red h3 -> h2 over {tunnel}");
            Assert.That(await Reach.PingAfterWarmUpAsync(blues[1], blues[0].Ip), Is.EqualTo(3), $"blue h2 -> h1 over {tunnel}");
            Assert.That(await Reach.PingAfterWarmUpAsync(blues[0], extraBlue.Ip), Is.EqualTo(3), $"blue h1 -> h3 over {tunnel}");

            // Isolation: 10.0.0.13 exists only in blue; red's 10.0.0.2 answers red only (blue's 10.0.0.2 is another VM).
            Assert.That(await reds[0].PingAsync(extraBlue.Ip, count: 3), Is.Zero, "red never reaches blue's 10.0.0.13");
            Assert.That(await reds[1].PingAsync(extraBlue.Ip, count: 3), Is.Zero, "red on h2 never reaches blue's 10.0.0.13");
        }

        // Overlapping IPs: the ARP answer for 10.0.0.2 that red h1 holds is red h2's MAC, not blue h2's.
        var neigh = await reds[0].Vm.ExecAsync(["ip", "neigh", "show", reds[1].Ip]);
        Assert.That(neigh.Stdout, Does.Contain(reds[1].Vm.Mac).And.Not.Contain(blues[1].Vm.Mac));
    }

    [Test]
    public async Task VxlanAndGreNetworks_GetOneTunnelPortPerPeerPerType_AndOnlyThose()
    {
        await using var bed = await ZeroTouchBed.CreateAsync(3);
        var v = await bed.CreateNetworkAsync("v", TunnelType.Vxlan, 300);
        var g = await bed.CreateNetworkAsync("g", TunnelType.Gre, 301);
        var vms = new List<BoundVm>();
        foreach (var h in bed.Hosts)
        {
            vms.Add(await bed.AddVmAsync(h, $"v{h.Index}", v, $"10.0.0.{h.Index}/24"));
            vms.Add(await bed.AddVmAsync(h, $"g{h.Index}", g, $"10.0.0.{h.Index}/24"));
        }

        await bed.WaitForMeshAsync([TunnelType.Vxlan, TunnelType.Gre]);
        await bed.WaitForSegmentsAsync(bed.Hosts.ToDictionary(h => h, _ => new uint[] { 300, 301 }));

        var h1 = bed.Hosts[0];
        var options = (await h1.VsctlAsync("get", "interface", OvsHypervisor.TunnelPortName(TunnelType.Gre, bed.Topology.UnderlayIp(bed.Hosts[1])), "options")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ZeroTouchBed.TunnelPortsAsync(h1), Has.Count.EqualTo(4), "2 peers x 2 types");
            Assert.That(options, Does.Contain("key=flow"));
            Assert.That(options, Does.Contain($"remote_ip=\"{bed.Topology.UnderlayIp(bed.Hosts[1])}\""));
            Assert.That(options, Does.Contain($"local_ip=\"{bed.Topology.UnderlayIp(h1)}\""));
            Assert.That(await Reach.PingAfterWarmUpAsync(vms[0], vms[2].Ip), Is.EqualTo(3), "vxlan tenant h1 -> h2");
            Assert.That(await Reach.PingAfterWarmUpAsync(vms[1], vms[5].Ip), Is.EqualTo(3), "gre tenant h1 -> h3");
        }
    }
}
