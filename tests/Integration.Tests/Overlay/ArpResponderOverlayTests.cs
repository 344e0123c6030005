using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// br-tun's ARP responder (table 19) on real Open vSwitch: a request for a known port's IP is answered on
/// the requester's host and never crosses the underlay; a request for an IP nobody has still floods.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class ArpResponderOverlayTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("tcpdump", "arping");

    [Test]
    public async Task ArpForARemoteVm_IsAnsweredLocallyWithItsMac_AndNeverCrossesTheUnderlay()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();
        var h1 = o.H1;
        var file = Path.Combine(h1.Directory, $"underlay-{Guid.NewGuid():N}.pcap");
        await using var underlay = await PacketCapture.StartAsync(h1.Namespace, Underlay.InterfaceName(h1), file, "udp port 4789");

        var known = await o.A1.Vm.ExecAsync(["arping", "-i", "eth0", "-c", "2", "-w", "3", "10.0.0.2"], TimeSpan.FromSeconds(15), check: false);
        var unknown = await o.A1.Vm.ArpingAsync("10.0.0.99", count: 1);
        var lines = await underlay.StopAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(known.Stdout, Does.Contain("2 packets received"), known.Stdout);
            Assert.That(known.Stdout, Does.Contain(o.A2.Mac).IgnoreCase, "tenant A's 10.0.0.2 is tenant A's VM on host 2, not tenant B's");
            Assert.That(known.Stdout, Does.Not.Contain(o.B2.Mac).IgnoreCase);
            Assert.That(unknown, Is.Zero, "nobody has 10.0.0.99");
            Assert.That(lines.Where(l => l.Contains("who-has 10.0.0.2 ", StringComparison.Ordinal)), Is.Empty, "the request for a known IP crossed the underlay");
            Assert.That(lines.Where(l => l.Contains("who-has 10.0.0.99 ", StringComparison.Ordinal)), Is.Not.Empty, "a request for an unknown IP still floods to the tunnels");
        }

        Assert.That(await o.A1.Vm.PingAsync("10.0.0.2", count: 2), Is.EqualTo(2), "the answered MAC carries traffic");
    }
}
