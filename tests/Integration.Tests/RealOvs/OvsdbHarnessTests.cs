using Tests.Shared;
using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>
/// The harness for OVSDB-managed hosts keeps its own promises, independently of the plumbing feature: the controller
/// process in its namespace on the fabric (REST over a unix socket, OpenFlow reachable from a host's OVS, SIGKILL and
/// restart on the same store), hosts with only br-phy whose ovsdb-server follows set-manager, daemon restarts by
/// pidfile, VMs plugged by iface-id without a tag, and nothing left behind.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class OvsdbHarnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");

    [Test]
    public async Task Controller_InItsOwnNamespace_IsReachedByAHostsOvsOverTheFabric_AndSurvivesSigkill()
    {
        await using var topo = await OvsdbTopology.CreateAsync(2, connect: false);
        var host = topo.Hosts[0];
        Assert.That(await host.BridgeExistsAsync(OvsHypervisor.BrInt), Is.False, "a managed host starts with br-phy only");

        // A bridge pointed at the controller's fabric address: the TCP path host OVS -> br-phy -> fabric -> controller.
        await host.VsctlAsync(
            "add-br", "br-x", "--", "set", "bridge", "br-x", "datapath_type=netdev", "fail_mode=secure", "protocols=OpenFlow13", "--",
            "set-controller", "br-x", $"tcp:{topo.Controller.Ip}:{ControllerProcess.OpenFlowPort}", "--",
            "set", "controller", "br-x", "max_backoff=1000");
        var dpid = await host.DatapathIdAsync("br-x");
        await WaitForSwitchAsync(topo.Rest, dpid);

        var firstPid = topo.Controller.Pid;
        await topo.Controller.RestartAsync();
        await WaitForSwitchAsync(topo.Rest, dpid);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(topo.Controller.Pid, Is.Not.Null.And.Not.EqualTo(firstPid));
            Assert.That(topo.Controller.Starts, Is.EqualTo(2));
            Assert.That(await topo.Rest.MetricAsync("ofcontroller_switches_connected"), Is.EqualTo(1));
            Assert.That(File.ReadAllText(topo.Controller.LogFile), Does.Contain("stopped with SIGKILL"));
        }
    }

    [Test]
    public async Task ManagedHost_FollowsSetManager_AndRestartsItsDaemonsByPidfile_KeepingItsDatabase()
    {
        await using var topo = await OvsdbTopology.CreateAsync(1, connect: false);
        var host = topo.Hosts[0];
        await topo.ConnectAsync(host);
        var ovsdbPid = PidFile.Read(Path.Combine(host.Directory, "ovsdb-server.pid"));
        var vswitchdPid = PidFile.Read(Path.Combine(host.Directory, "ovs-vswitchd.pid"));

        await host.RestartOvsdbServerAsync();
        await host.RestartVswitchdAsync();

        var manager = (await host.VsctlAsync("get-manager")).Stdout.Trim();
        var ids = (await host.VsctlAsync("get", "open_vswitch", ".", "external_ids")).Stdout;
        var remotes = (await host.AppctlAsync("-t", "ovsdb-server", "ovsdb-server/list-remotes")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PidFile.Read(Path.Combine(host.Directory, "ovsdb-server.pid")), Is.Not.EqualTo(ovsdbPid));
            Assert.That(PidFile.Read(Path.Combine(host.Directory, "ovs-vswitchd.pid")), Is.Not.EqualTo(vswitchdPid));
            Assert.That(manager, Is.EqualTo(topo.Controller.ManagerTarget));
            Assert.That(ids, Does.Contain($"system-id=\"{topo.SystemId(host)}\"").Or.Contain($"system-id={topo.SystemId(host)}"));
            Assert.That(ids, Does.Contain(topo.UnderlayIp(host)));
            Assert.That(remotes, Does.Contain("db:Open_vSwitch,Open_vSwitch,manager_options"));
            Assert.That(await host.BridgeExistsAsync(OvsHypervisor.BrPhy), Is.True);
        }
    }

    [Test]
    public async Task BoundVm_WaitsForBrInt_AndIsPluggedByIfaceIdWithoutATag()
    {
        await using var topo = await OvsdbTopology.CreateAsync(1, connect: false);
        var host = topo.Hosts[0];
        var plug = topo.AddVmAsync(host, "w1", "10.8.0.1/24", ifaceId: "port-w1", mac: "02:00:00:00:0a:01");
        await host.VsctlAsync("add-br", OvsHypervisor.BrInt, "--", "set", "bridge", OvsHypervisor.BrInt, "datapath_type=netdev"); // what the controller would do
        var vm = await plug;

        var ids = (await host.VsctlAsync("get", "interface", vm.HostPort, "external_ids")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await host.ListPortsAsync(OvsHypervisor.BrInt), Does.Contain(vm.HostPort));
            Assert.That(ids, Does.Contain("iface-id=port-w1"));
            Assert.That(ids, Does.Contain("attached-mac=\"02:00:00:00:0a:01\""));
            Assert.That(await vm.ReadTagAsync(), Is.Null);
            Assert.That(vm.Mac, Is.EqualTo("02:00:00:00:0a:01"));
            Assert.That(vm.VlanTag, Is.Null);
        }
    }

    [Test]
    public async Task Dispose_StopsTheControllerAndRemovesEverything()
    {
        var prefix = TestPrefix.New();
        int? pid;
        string dir;
        await using (var topo = await OvsdbTopology.CreateAsync(2, connect: true, prefix: prefix))
        {
            await topo.AddHostAsync(3);
            pid = topo.Controller.Pid;
            dir = topo.Controller.Directory;
            Assert.That(pid, Is.Not.Null);
        }

        var namespaces = (await Sh.RunAsync("ip", "netns", "list")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(namespaces, Does.Not.Contain(prefix));
            Assert.That(Directory.Exists(dir), Is.False);
            Assert.That(Directory.EnumerateDirectories(Path.GetTempPath(), $"ovs-*{prefix}*"), Is.Empty);
            Assert.That(File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(" Z ", StringComparison.Ordinal), Is.False, "controller process gone");
        }
    }

    private static Task WaitForSwitchAsync(RestClient rest, string dpid)
        => Poll.UntilAsync(
            async () => (await rest.GetAsync("switches")).AsArray().Any(s => string.Equals(s!["datapathId"]!.GetValue<string>(), dpid, StringComparison.OrdinalIgnoreCase)),
            Timeout,
            $"switch {dpid} connected to the controller",
            TimeSpan.FromMilliseconds(100));
}
