using Tests.Shared;
using System.Globalization;
using System.Text.RegularExpressions;
using Controller.Switches;
using Integration.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Overlay;

/// <summary>
/// Two hypervisors on real Open vSwitch, programmed only by the in-process controller, provisioned only
/// over REST (<see cref="TwoTenantOverlay"/>: tenants A and B with overlapping addresses 10.0.0.1/10.0.0.2).
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed partial class TwoHostOverlayTests
{
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(20);

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("tcpdump", "ethtool", "iperf3");

    [TestCase(TunnelType.Vxlan)]
    [TestCase(TunnelType.Gre)]
    public async Task Ping_WithinEachTenant_Works_AndAcrossTenants_NothingArrives(TunnelType tunnelType)
    {
        await using var o = await TwoTenantOverlay.CreateAsync(tunnelType);
        // 10.0.0.3 exists only in tenant B, on host 2: tenant A asking for it is a cross-tenant attempt.
        var onlyB = await o.Bed.AddVmAsync(o.H2, "b3", o.NetworkB, "10.0.0.3/24");
        await o.Bed.WaitInSyncAsync();
        var fromA = $"ether host {o.A1.Mac}";
        var captures = await Task.WhenAll(new[] { o.B1, o.B2, onlyB }.Select(vm => vm.Vm.StartCaptureAsync(fromA)));

        var withinA = await o.A1.Vm.PingAsync("10.0.0.2", count: 3);
        var withinB = await o.B1.Vm.PingAsync("10.0.0.2", count: 3);
        var acrossTenants = await o.A1.Vm.PingAsync("10.0.0.3", count: 3);
        var neighbourA = await o.A1.Vm.ExecAsync(["ip", "neigh", "show", "10.0.0.2"]);
        var neighbourB = await o.B1.Vm.ExecAsync(["ip", "neigh", "show", "10.0.0.2"]);
        var seen = await Task.WhenAll(captures.Select(c => c.StopAsync()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withinA, Is.EqualTo(3), "tenant A, host 1 -> host 2");
            Assert.That(withinB, Is.EqualTo(3), "tenant B, host 1 -> host 2");
            Assert.That(acrossTenants, Is.Zero, "tenant A must not reach tenant B's 10.0.0.3");
            Assert.That(neighbourA.Stdout, Does.Contain(o.A2.Mac), "tenant A's 10.0.0.2 is tenant A's VM");
            Assert.That(neighbourB.Stdout, Does.Contain(o.B2.Mac), "tenant B's 10.0.0.2 is tenant B's VM");
            for (var i = 0; i < seen.Length; i++)
            {
                Assert.That(seen[i], Is.Empty, $"tenant B VM #{i + 1} saw a frame of tenant A");
            }
        }
    }

    [Test]
    public async Task SameNetwork_WithDifferentLocalVlansOnTheHosts_StillConnects()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();

        var h1 = await o.H1.DumpFlowsAsync();
        var h2 = await o.H2.DumpFlowsAsync();
        var received = await o.A2.Vm.PingAsync("10.0.0.1", count: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.A1.Vlan, Is.Not.EqualTo(o.A2.Vlan), "REST gave tenant A different local VLANs on the hosts");
            Assert.That(OverlayFlows.FromTunnel(h1, TwoTenantOverlay.SegmentA)?.Actions, Does.Contain($"set_field:{4096 + o.A1.Vlan}->vlan_vid"), "host 1 maps segment 100 to its VLAN");
            Assert.That(OverlayFlows.FromTunnel(h2, TwoTenantOverlay.SegmentA)?.Actions, Does.Contain($"set_field:{4096 + o.A2.Vlan}->vlan_vid"), "host 2 maps segment 100 to its VLAN");
            Assert.That(OverlayFlows.Flood(h1, TwoTenantOverlay.SegmentA)?.Match, Does.Contain($"dl_vlan={o.A1.Vlan}"), "host 1 floods its VLAN into segment 100");
            Assert.That(received, Is.EqualTo(3), "tenant A, host 2 -> host 1");
        }
    }

    [Test]
    public async Task Traffic_LearnsTable20Entries_WithTheLearnedCookie()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan, new Dictionary<string, string?> { ["Runtime:L2Population"] = "Off" });
        await o.Bed.WaitInSyncAsync();
        var before = await o.H1.DumpFlowsAsync();

        var received = await o.A1.Vm.PingAsync("10.0.0.2", count: 3);
        var h1 = await o.H1.WaitForFlowsAsync(f => Learned(f, o.A2.Mac), FlowTimeout, what: "host 1 to learn tenant A's VM on host 2");
        var h2 = await o.H2.WaitForFlowsAsync(f => Learned(f, o.A1.Mac), FlowTimeout, what: "host 2 to learn tenant A's VM on host 1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before.Where(f => f.Table == 20 && f.Priority > 0), Is.Empty, "no unicast entries before traffic (l2population off)");
            Assert.That(received, Is.EqualTo(3));
            Assert.That(h1.Single(f => f.Table == 20 && f.Match.Contains(o.A2.Mac, StringComparison.Ordinal)).HardTimeout, Is.EqualTo(300));
            Assert.That(h2.Where(f => f.Table == 20 && f.Cookie == OverlayFlows.LearnedCookie).Select(f => f.Match), Has.None.Contains(o.B1.Mac), "tenant B sent nothing, so nothing of it is learned");
        }
    }

    [Test]
    public async Task L2Population_InstallsUnicastFlows_BeforeAnyTraffic()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan, new Dictionary<string, string?> { ["Runtime:L2Population"] = "On" });
        await o.Bed.WaitInSyncAsync();

        var h1 = await o.H1.DumpFlowsAsync();
        var h2 = await o.H2.DumpFlowsAsync();
        var tunnel1 = await o.H1.PortNumberAsync(OvsHypervisor.BrTun, o.Bed.Topology.TunnelPort(o.H1, o.H2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Unicast(h1, o.A2.Mac)?.Actions, Is.EqualTo($"pop_vlan,set_field:0x64->tun_id,output:{tunnel1}"), "host 1 -> tenant A's VM on host 2");
            Assert.That(Unicast(h1, o.B2.Mac)?.Actions, Does.Contain("set_field:0xc8->tun_id"), "host 1 -> tenant B's VM on host 2");
            Assert.That(Unicast(h1, o.A2.Mac)?.Match, Does.Contain($"dl_vlan={o.A1.Vlan}"), "matched on host 1's VLAN of tenant A");
            Assert.That(Unicast(h2, o.A1.Mac), Is.Not.Null, "host 2 -> tenant A's VM on host 1");
            Assert.That(Unicast(h2, o.B1.Mac), Is.Not.Null, "host 2 -> tenant B's VM on host 1");
            Assert.That(h1.Concat(h2).Where(f => f.Cookie == OverlayFlows.LearnedCookie), Is.Empty, "nothing learned yet: no traffic was sent");
        }

        Assert.That(await o.A1.Vm.PingAsync("10.0.0.2", count: 3), Is.EqualTo(3));
    }

    [Test]
    public async Task ControllerRestart_DuringContinuousPing_LosesNothing_AndSendsNoFlowMods()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();
        Assert.That(await o.A1.Vm.PingAsync("10.0.0.2", count: 2), Is.EqualTo(2), "warm-up ping");
        await using var ping = BackgroundProcess.Start(Sh.InNetns(o.A1.Vm.Namespace, ["ping", "-n", "-i", "0.1", "-c", "80", "-W", "1", "10.0.0.2"]));
        await ping.WaitForOutputAsync("icmp_seq=3 ", TimeSpan.FromSeconds(10));

        await o.Bed.Controller.RestartAsync();
        await o.Bed.WaitInSyncAsync();
        var reconcilers = o.Bed.DatapathIds.Select(d => o.Bed.Controller.Runtime.FindReconciler(d)!).ToList();
        var flowModsMetric = await o.Bed.Controller.MetricAsync("ofcontroller_flow_mods_total");
        var flows = await o.Bed.Controller.FlowsAsync(o.Bed.DatapathId(o.H1));
        var result = await ping.WaitForExitAsync(TimeSpan.FromSeconds(40));
        var summary = PingSummary().Match(result.Stdout);

        using (Assert.EnterMultipleScope())
        {
            foreach (var r in reconcilers)
            {
                Assert.That(r.FlowModsSent, Is.Zero, $"FLOW_MODs sent to {r.DatapathId:x16} after the restart");
                Assert.That(r.LastReconcile!.Added + r.LastReconcile.Modified + r.LastReconcile.Deleted, Is.Zero, $"changes on {r.DatapathId:x16}");
                Assert.That(r.LastReconcile.Unchanged, Is.GreaterThan(10), "the read-back found the flows");
            }

            Assert.That(flowModsMetric, Is.Zero, "ofcontroller_flow_mods_total of the new process");
            Assert.That(flows["lastReconcile"]?["added"]?.GetValue<int>(), Is.Zero, "REST shows the zero-change reconcile");
            Assert.That(summary.Success, Is.True, result.Stdout);
            Assert.That(summary.Groups[2].Value, Is.EqualTo(summary.Groups[1].Value), $"ping lost packets across the restart:\n{result.Stdout}");
        }
    }

    [Test]
    public async Task SwitchReconnect_DeletesOnlyStaleFlowsUnderOurCookie_AndLeavesForeignFlows()
    {
        // The subject is the reconnect's read-back: drift repair while connected (the flow monitor at once, the
        // audit later) would otherwise remove the stale flow first, as often as not.
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan, new Dictionary<string, string?>
        {
            ["Runtime:FlowMonitor"] = "false",
            ["Runtime:AuditInterval"] = "",
        });
        await o.Bed.WaitInSyncAsync();
        var dpid = o.Bed.DatapathId(o.H1);
        var first = o.Bed.Controller.Runtime.FindReconciler(dpid)!;
        await o.H1.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000999,table=21,priority=5,dl_vlan=99,actions=drop");
        await o.H1.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x1234,table=21,priority=6,dl_vlan=98,actions=drop");

        var connection = o.Bed.Controller.App.Services.GetRequiredService<ISwitchRegistry>().Find(new OpenFlow.DatapathId(dpid))!;
        await connection.CloseAsync();
        await Poll.UntilAsync(
            () => o.Bed.Controller.Runtime.FindReconciler(dpid) is { } r && !ReferenceEquals(r, first) && o.Bed.Controller.Runtime.IsInSync(dpid),
            FlowTimeout,
            "host 1 to reconnect and be reconciled");
        var second = o.Bed.Controller.Runtime.FindReconciler(dpid)!;
        var flows = await o.H1.DumpFlowsAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.LastReconcile!.Deleted, Is.EqualTo(1), "the stale flow under the br-tun cookie prefix");
            Assert.That(second.LastReconcile.Added + second.LastReconcile.Modified, Is.Zero, "everything else was in place");
            Assert.That(second.FlowModsSent, Is.EqualTo(1), "one DELETE_STRICT, nothing else");
            Assert.That(flows.Select(f => f.Cookie), Has.None.EqualTo(0x0b70000000000999UL), "stale flow deleted");
            Assert.That(flows.Select(f => f.Cookie), Has.One.EqualTo(0x1234UL), "foreign flow untouched");
        }
    }

    [Test]
    public async Task VswitchdKilledAndStarted_FlowsComeBack_AndPingResumesWithinTwoSeconds()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();
        Assert.That(await o.A1.Vm.PingAsync("10.0.0.2", count: 2), Is.EqualTo(2), "before the crash");
        var before = Managed(await o.H1.DumpFlowsAsync());
        await using var ping = BackgroundProcess.Start(Sh.InNetns(o.A1.Vm.Namespace, ["ping", "-n", "-D", "-i", "0.1", "-W", "1", "10.0.0.2"]));
        await ping.WaitForOutputAsync("icmp_seq=2 ", TimeSpan.FromSeconds(10));

        await o.H1.KillVswitchdAsync();
        var dpidAfterKill = await OverlayBed.DatapathIdAsync(o.H1);
        await o.H1.StartVswitchdAsync();
        var restarted = DateTimeOffset.UtcNow;
        var after = await o.H1.WaitForFlowsAsync(f => Managed(f).SetEquals(before), FlowTimeout, what: "host 1's flows to come back");
        var flowsBack = DateTimeOffset.UtcNow - restarted;
        await Poll.UntilAsync(() => FirstReplyAfter(ping.Stdout, restarted) is not null, TimeSpan.FromSeconds(10), "a ping reply after the restart");
        var resumed = FirstReplyAfter(ping.Stdout, restarted)!.Value - restarted;
        await ping.StopAsync("INT");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dpidAfterKill, Is.EqualTo(o.Bed.DatapathId(o.H1).ToString("x16", CultureInfo.InvariantCulture)), "br-tun keeps its datapath id");
            Assert.That(Managed(after), Is.EquivalentTo(before), "the same flows as before the crash");
            Assert.That(flowsBack, Is.LessThan(TimeSpan.FromSeconds(2)), "flows back after ovs-vswitchd answered OpenFlow");
            Assert.That(resumed, Is.LessThan(TimeSpan.FromSeconds(2)), $"first ping reply after the restart\n{ping.Stdout}");
        }
    }

    [Test]
    public async Task TunnelPortRemovedAndAdded_FlowsFollowThePortStatus_AndPingRecovers()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();
        var name = o.Bed.Topology.TunnelPort(o.H1, o.H2);
        var oldPort = await o.H1.PortNumberAsync(OvsHypervisor.BrTun, name);

        await o.H1.VsctlAsync("del-port", OvsHypervisor.BrTun, name);
        var without = await o.H1.WaitForFlowsAsync(
            f => !f.Any(x => x.Table == 0 && x.Match.Contains($"in_port={oldPort}", StringComparison.Ordinal)), FlowTimeout, what: "host 1 to drop the tunnel's flows");
        await o.Bed.WaitInSyncAsync();
        var cut = await o.A1.Vm.PingAsync("10.0.0.2", count: 2);

        var newPort = await o.H1.AddTunnelPortAsync(name, TunnelType.Vxlan, o.Bed.Topology.Underlay.IpOf(o.H2));
        var with = await o.H1.WaitForFlowsAsync(
            f => f.Any(x => x.Table == 0 && x.Match.Contains($"in_port={newPort}", StringComparison.Ordinal)), FlowTimeout, what: "host 1 to classify the new tunnel port");
        await o.Bed.WaitInSyncAsync();
        // a1's ARP entry is still unresolved from the cut and the new tunnel port resolves its endpoint again:
        // the first packets may be lost, so wait for one reply before counting.
        await Poll.UntilAsync(async () => await o.A1.Vm.PingAsync("10.0.0.2", count: 1) == 1, FlowTimeout, "the overlay to answer again");
        var back = await o.A1.Vm.PingAsync("10.0.0.2", count: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(without.Where(f => f.Table == 21 && f.Priority == 1), Is.Empty, "no flood flow without a tunnel to flood to");
            Assert.That(cut, Is.Zero, "no tunnel, no path");
            Assert.That(OverlayFlows.Flood(with, TwoTenantOverlay.SegmentA)?.Actions, Does.EndWith($"output:{newPort}"), "flooding uses the new port number");
            Assert.That(back, Is.EqualTo(3), "the overlay works again");
        }
    }

    [Test]
    public async Task Tcp_Iperf3ForThreeSeconds_AcrossTheOverlay()
    {
        await using var o = await TwoTenantOverlay.CreateAsync(TunnelType.Vxlan);
        await o.Bed.WaitInSyncAsync();
        Assert.That(await o.A1.Vm.PingAsync("10.0.0.2", count: 1), Is.EqualTo(1));

        await o.A2.Vm.StartIperf3ServerAsync();
        var bitsPerSecond = await o.A1.Vm.Iperf3ClientAsync("10.0.0.2", seconds: 3);

        await TestContext.Out.WriteLineAsync($"iperf3 tenant A across the overlay: {bitsPerSecond / 1e6:0.0} Mbit/s");
        Assert.That(bitsPerSecond, Is.GreaterThan(1e6));
    }

    private static bool Learned(IEnumerable<DumpedFlow> flows, string mac) =>
        flows.Any(f => f.Table == 20 && f.Priority == 1 && f.Cookie == OverlayFlows.LearnedCookie && f.Match.Contains(mac, StringComparison.Ordinal));

    private static DumpedFlow? Unicast(IEnumerable<DumpedFlow> flows, string mac) =>
        flows.FirstOrDefault(f => f.Table == 20 && f.Priority == 2 && f.Match.Contains($"dl_dst={mac}", StringComparison.Ordinal));

    /// <summary>The controller-managed flows (learned entries excluded), without counters.</summary>
    private static HashSet<string> Managed(IEnumerable<DumpedFlow> flows) =>
        [.. flows.Where(f => f.Cookie != OverlayFlows.LearnedCookie).Select(f => f.Stable)];

    private static DateTimeOffset? FirstReplyAfter(string pingOutput, DateTimeOffset since)
    {
        foreach (Match m in ReplyLine().Matches(pingOutput))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000));
            if (at > since)
            {
                return at;
            }
        }

        return null;
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex PingSummary();

    [GeneratedRegex(@"^\[(\d+\.\d+)\] \d+ bytes from", RegexOptions.Multiline)]
    private static partial Regex ReplyLine();
}
