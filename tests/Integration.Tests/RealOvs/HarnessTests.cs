using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>The harness's own promises: the controller relay, OpenFlow 1.3 on br-tun, fast reconnects, cleanup.</summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class HarnessTests
{
    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs();

    [Test]
    public async Task SetController_RelaysBrTunToATcpListenerOnLoopback_AndReconnectsWithinSeconds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var host = await OvsHypervisor.StartAsync(TestPrefix.New(), 1);

        await host.SetControllerAsync(port);
        var first = await AcceptHelloAsync(listener);
        first.Client.Dispose();
        var watch = Stopwatch.StartNew();
        var second = await AcceptHelloAsync(listener);
        watch.Stop();
        second.Client.Dispose();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Hello[0], Is.EqualTo(0x04), "OpenFlow 1.3 HELLO");
            Assert.That(first.Hello[1], Is.Zero, "OFPT_HELLO");
            Assert.That(second.Hello[0], Is.EqualTo(0x04));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "max_backoff=1000 keeps reconnects quick");
        }
    }

    [Test]
    public async Task Dispose_RemovesNamespacesDaemonsAndDirectories()
    {
        var prefix = TestPrefix.New();
        int vswitchd;
        string dir;
        await using (var topology = await OvsTopology.CreateAsync(3, prefix: prefix))
        {
            await topology.AddVmAsync(topology.Hosts[0], "x1", 3, "10.9.0.1/24");
            dir = topology.Hosts[0].Directory;
            vswitchd = PidFile.Read(Path.Combine(dir, "ovs-vswitchd.pid")) ?? throw new InvalidOperationException("no pidfile");
            Assert.That(PidFile.IsAlive(vswitchd, "ovs-vswitchd"), Is.True);
        }

        var namespaces = (await Sh.RunAsync("ip", "netns", "list")).Stdout;
        var links = (await Sh.RunAsync("ip", "-br", "link")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(namespaces, Does.Not.Contain(prefix));
            Assert.That(links, Does.Not.Contain(prefix));
            Assert.That(PidFile.IsAlive(vswitchd, "ovs-vswitchd"), Is.False);
            Assert.That(Directory.Exists(dir), Is.False);
        }
    }

    [Test]
    public async Task FlowMonitor_ReportsEachFlowChange_WithItsCookie()
    {
        await using var host = await OvsHypervisor.StartAsync(TestPrefix.New(), 1);
        await using var monitor = await host.StartFlowMonitorAsync();

        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x42,table=0,priority=5,actions=drop");
        await host.OfctlAsync("del-flows", OvsHypervisor.BrTun, "cookie=0x42/-1");
        var events = await monitor.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(events, Has.Count.EqualTo(2));
            Assert.That(events[0], Does.StartWith("event=ADDED").And.Contain("cookie=0x42"));
            Assert.That(events[1], Does.StartWith("event=DELETED").And.Contain("cookie=0x42"));
        }
    }

    [Test]
    public async Task StaleResources_OfADeadTestRun_AreRemoved()
    {
        var prefix = TestPrefix.New();
        await using var topology = await OvsTopology.CreateAsync(3, prefix: prefix);
        var vm = await topology.AddVmAsync(topology.Hosts[0], "s1", 3, "10.9.0.1/24");
        await topology.Hosts[0].SetControllerAsync(9); // nothing listens there; only the relay matters
        var daemons = topology.Hosts.Select(h => PidFile.Read(Path.Combine(h.Directory, "ovs-vswitchd.pid")) ?? 0).ToList();
        foreach (var host in topology.Hosts)
        {
            await File.WriteAllTextAsync(Path.Combine(host.Directory, StaleResources.OwnerFile), "999999999 0"); // an owner that is gone
        }

        await StaleResources.ReapNowAsync();

        var namespaces = (await Sh.RunAsync("ip", "netns", "list")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(namespaces, Does.Not.Contain(prefix));
            Assert.That(daemons.Where(p => PidFile.IsAlive(p, "ovs-vswitchd")), Is.Empty);
            Assert.That(topology.Hosts.Where(h => Directory.Exists(h.Directory)), Is.Empty);
            Assert.That(vm.Namespace, Does.StartWith("v" + prefix));
        }
    }

    private static async Task<(TcpClient Client, byte[] Hello)> AcceptHelloAsync(TcpListener listener)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var client = await listener.AcceptTcpClientAsync(cts.Token);
        var hello = new byte[8];
        await client.GetStream().ReadExactlyAsync(hello, cts.Token);
        return (client, hello);
    }
}
