using System.Globalization;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// Issue 13's bad input, on real Open vSwitch with a hostile VM writing raw frames: malformed DHCP and ARP, a DHCP
/// storm from one port (its own MAC, then spoofed ones), and requests for another tenant's addresses. No answer,
/// no crash, each counted; the other ports, including one getting its lease during the storm, are unaffected.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class DataplaneBadInputTests
{
    private const int Storm = 400;

    [SetUp]
    public void RequireOvs()
    {
        OvsPreconditions.RequireRootAndOvs("busybox", "arping");
        OvsPreconditions.RequireCommand(RawFrames.Python, "apt-get install python3");
    }

    [Test]
    public async Task MalformedFrames_Storms_AndOtherTenantsAddresses_GetNoAnswer_AndOtherPortsKeepWorking()
    {
        await using var bed = await OverlayBed.CreateAsync(2, TunnelType.Vxlan);
        var (h1, h2) = (bed.Hosts[0], bed.Hosts[1]);
        var netA = await NetworkAsync(bed, "a", 310);
        var netB = await NetworkAsync(bed, "b", 320);                        // the same prefix, another tenant
        var good = await bed.AddVmAsync(h1, "good", netA, "10.55.0.11/24");
        var bad = await bed.AddVmAsync(h1, "bad", netA, "10.55.0.12/24");
        var peer = await bed.AddVmAsync(h2, "peer", netA, "10.55.0.21/24");
        await bed.AddVmAsync(h2, "a33", netA, "10.55.0.33/24");
        var b = await bed.AddVmAsync(h1, "b", netB, "10.55.0.11/24");
        await bed.AddVmAsync(h2, "b2", netB, "10.55.0.22/24");
        await bed.WaitInSyncAsync();
        await good.Vm.PingAsync(peer.Ip, count: 1);                          // warm the tunnel
        var before = await DhcpCountsAsync(bed);
        var script = await Udhcpc.WriteScriptAsync(h1.Directory);

        var malformed = await RawFrames.SendAsync(bad.Vm, "malformed", targetIp: peer.Ip);

        // A storm from one port while another port on the same host gets its lease.
        await good.Vm.ExecAsync(["ip", "addr", "flush", "dev", "eth0"]);
        var storm = RawFrames.SendAsync(bad.Vm, "storm", Storm);
        var lease = await Udhcpc.LeaseOnceAsync(good.Vm, script, Path.Combine(h1.Directory, "udhcpc-good.log"));
        var stormed = await storm;
        var spoofed = await RawFrames.SendAsync(bad.Vm, "spoofed", Storm);

        // Another tenant: B asks for A's 10.55.0.33 (B has nobody there), and B's VM takes A's port's MAC for DHCP.
        var otherTenantArp = await b.Vm.ArpingAsync("10.55.0.33", count: 2);
        await b.Vm.ExecAsync(["ip", "link", "set", "dev", "eth0", "address", good.Mac]);
        var otherTenantLease = await Udhcpc.LeaseOnceAsync(b.Vm, script, Path.Combine(h1.Directory, "udhcpc-b.log"), tries: 3);
        var after = await DhcpCountsAsync(bed);
        string Delta(string outcome) => (after.GetValueOrDefault(outcome) - before.GetValueOrDefault(outcome)).ToString(CultureInfo.InvariantCulture);

        await bed.WaitInSyncAsync();
        var health = System.Text.Json.Nodes.JsonNode.Parse(await bed.Controller.Http.GetStringAsync(new Uri($"http://127.0.0.1:{bed.Controller.RestPort}/healthz")));
        var ping = await good.Vm.PingAsync(peer.Ip, count: 3);
        var arp = await good.Vm.ExecAsync(["arping", "-i", "eth0", "-c", "2", "-w", "3", peer.Ip], TimeSpan.FromSeconds(15), check: false);
        await TestContext.Out.WriteLineAsync(
            $"malformed {malformed.Sent} -> {malformed.Replies} replies; storm {stormed.Sent} -> {stormed.Replies}; spoofed {spoofed.Sent} -> {spoofed.Replies}; "
            + $"counted: malformed +{Delta("malformed")}, rateLimited +{Delta("rateLimited")}, unknownClient +{Delta("unknownClient")}, offer +{Delta("offer")}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(malformed.Replies, Is.Zero, "no answer to a malformed DHCP frame");
            Assert.That(after.GetValueOrDefault("malformed") - before.GetValueOrDefault("malformed"), Is.GreaterThan(0), "malformed frames reached the controller and were counted");
            Assert.That(stormed.Replies, Is.InRange(1, 8 + 2 * 20), "the storming port gets its burst (8) and 2 a second, no more");
            // OVS itself drops packet-ins beyond the 100 queued for a controller connection, so not every frame arrives.
            Assert.That(after.GetValueOrDefault("rateLimited") - before.GetValueOrDefault("rateLimited"), Is.GreaterThanOrEqualTo(Storm / 4), "the rest is dropped and counted");
            Assert.That(lease.ExitCode, Is.Zero, "another port on the same host gets its lease during the storm");
            Assert.That(lease.Bound, Does.Contain("ip=10.55.0.11 mask=24"), lease.Bound);
            Assert.That(spoofed.Replies, Is.Zero, "MACs the store does not know get nothing");
            Assert.That(after.GetValueOrDefault("unknownClient") - before.GetValueOrDefault("unknownClient"), Is.GreaterThanOrEqualTo(Storm / 4), "and are counted (each spoofed MAC has its own small bucket)");
            Assert.That(otherTenantArp, Is.Zero, "tenant B's request for tenant A's address is not answered");
            Assert.That(otherTenantLease.ExitCode, Is.Not.Zero, "a tenant-A port's MAC in tenant B's network gets no lease");
            Assert.That(otherTenantLease.Bound, Is.Null);
            Assert.That(health?["status"]?.GetValue<string>(), Is.EqualTo("ok"));
            Assert.That(ping, Is.EqualTo(3), "the other ports keep working");
            Assert.That(arp.Stdout, Does.Contain(peer.Mac).IgnoreCase, "and the ARP responder still answers");
        }
    }

    private static async Task<string> NetworkAsync(OverlayBed bed, string tenant, uint segment)
    {
        var tenantId = await bed.Controller.CreateTenantAsync($"{tenant}-{bed.Topology.Prefix}");
        return (string)(await bed.Controller.PostAsync("networks", new { tenantId, name = $"{tenant}-net", tunnelType = "vxlan", segmentId = segment, cidr = "10.55.0.0/24" }))["id"]!;
    }

    /// <summary>ofcontroller_dhcp_messages_total by outcome, from /metrics.</summary>
    private static async Task<Dictionary<string, long>> DhcpCountsAsync(OverlayBed bed)
    {
        const string prefix = "ofcontroller_dhcp_messages_total{outcome=\"";
        var text = await bed.Controller.Http.GetStringAsync(new Uri($"http://127.0.0.1:{bed.Controller.RestPort}/metrics"));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var outcome = line[prefix.Length..line.IndexOf('"', prefix.Length)];
            counts[outcome] = (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
