using Tests.Shared;
using System.Globalization;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// DHCP answered by the controller on real Open vSwitch: a VM namespace running a real client (busybox
/// udhcpc) gets exactly the store's address, prefix, gateway and DNS, renews, and reaches another host's VM;
/// a MAC the store does not know gets nothing.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class DhcpOverlayTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("busybox");

    [Test]
    public async Task Udhcpc_GetsTheStoresAddressAndOptions_Renews_AndUnknownMacsGetNothing()
    {
        await using var bed = await OverlayBed.CreateAsync(2, TunnelType.Vxlan);
        var (h1, h2) = (bed.Hosts[0], bed.Hosts[1]);
        var tenant = await bed.Controller.CreateTenantAsync($"dhcp-{bed.Topology.Prefix}");
        var network = (string)(await bed.Controller.PostAsync("networks", new
        {
            tenantId = tenant,
            name = "dhcp-net",
            tunnelType = "vxlan",
            segmentId = 300,
            cidr = "10.44.0.0/24",
            gateway = "10.44.0.1",
            dnsServers = new[] { "10.44.0.53" },
        }))["id"]!;
        var client = await bed.AddVmAsync(h1, "d1", network, "10.44.0.11/24");
        var peer = await bed.AddVmAsync(h2, "d2", network, "10.44.0.12/24");
        var stranger = await bed.AddVmAsync(h1, "d3", network, "10.44.0.13/24");
        await stranger.Vm.ExecAsync(["ip", "link", "set", "dev", "eth0", "address", "02:99:00:00:44:13"]);
        await bed.WaitInSyncAsync();
        var script = await Udhcpc.WriteScriptAsync(h1.Directory);
        var log = Path.Combine(h1.Directory, "udhcpc-d1.log");
        var strangerLog = Path.Combine(h1.Directory, "udhcpc-d3.log");
        await client.Vm.ExecAsync(["ip", "addr", "flush", "dev", "eth0"]);
        await stranger.Vm.ExecAsync(["ip", "addr", "flush", "dev", "eth0"]);

        // Foreground client that stays for renewals; -O asks for the options a distribution's client asks for.
        var pidFile = Path.Combine(h1.Directory, "udhcpc-d1.pid");
        await client.Vm.ExecAsync(["ip", "link", "set", "dev", "eth0", "mtu", "1500"]);
        await using var udhcpc = BackgroundProcess.Start(Udhcpc.Command(client.Vm, script, log, "-f", "-p", pidFile, "-t", "10", "-T", "1"));
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("bound ", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "udhcpc to get a lease");
        var bound = File.ReadAllLines(log).First(l => l.StartsWith("bound ", StringComparison.Ordinal));
        var address = await client.Vm.ExecAsync(["ip", "-4", "addr", "show", "dev", "eth0"]);
        var mtu = (await bed.Controller.GetAsync($"networks/{network}"))["mtu"]!.GetValue<int>();
        var ping = await client.Vm.PingAsync(peer.Ip, count: 3);

        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        await Sh.RunAsync("kill", "-USR1", pid.ToString(CultureInfo.InvariantCulture));
        await Poll.UntilAsync(() => Task.FromResult(File.ReadAllText(log).Contains("renew ", StringComparison.Ordinal)), TimeSpan.FromSeconds(15), "udhcpc to renew its lease");
        var renew = File.ReadAllLines(log).First(l => l.StartsWith("renew ", StringComparison.Ordinal));

        var strangerRun = await Udhcpc.LeaseOnceAsync(stranger.Vm, script, strangerLog, tries: 3);
        var metrics = (await bed.Controller.Http.GetStringAsync(new Uri($"http://127.0.0.1:{bed.Controller.RestPort}/metrics"))).Split('\n');

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bound, Does.Contain("ip=10.44.0.11 mask=24 router=10.44.0.1 dns=10.44.0.53"), bound);
            Assert.That(bound, Does.Contain("serverid=10.44.0.254"), "the network's virtual DHCP server");
            Assert.That(address.Stdout, Does.Contain("10.44.0.11/24"));
            Assert.That(mtu, Is.EqualTo(1450), "the global 1500-byte underlay less VXLAN's 50");
            Assert.That(bound, Does.Contain($"mtu={mtu} "), "option 26 carries the network's MTU");
            Assert.That(address.Stdout, Does.Contain($"mtu {mtu} "), "and the client set it on eth0 (it started at 1500)");
            Assert.That(ping, Is.EqualTo(3), "the leased address reaches the VM on host 2");
            Assert.That(renew, Does.Contain("ip=10.44.0.11"), "the unicast renewal to the virtual server is answered");
            Assert.That(strangerRun.ExitCode, Is.Not.Zero, "a MAC the store does not know gets no lease");
            Assert.That(File.Exists(strangerLog) ? File.ReadAllText(strangerLog) : "", Does.Not.Contain("bound"));
            Assert.That(metrics, Has.Some.StartsWith("ofcontroller_dhcp_messages_total{outcome=\"ack\"}"), "ACKs are counted");
            Assert.That(metrics, Has.Some.StartsWith("ofcontroller_dhcp_messages_total{outcome=\"unknownClient\"}"), "the stranger's DISCOVERs are counted");
        }
    }
}
