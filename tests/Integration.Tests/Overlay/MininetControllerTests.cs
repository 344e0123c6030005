using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// The scripts in mininet-topos/ against the in-process controller: the overlay script's hypervisors
/// provisioned over REST from the layout it prints, and Mininet's own topologies on the learning switch.
/// Both scripts clean up after themselves (net.stop() in a finally, daemons by pidfile, never Mininet's
/// machine-wide cleanup); a test that fails stops the script by PID with SIGTERM, which runs that cleanup.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Mininet")]
[Parallelizable(ParallelScope.Self)]
public sealed class MininetControllerTests
{
    private const string Python = "/usr/bin/python3";

    [SetUp]
    public void RequireMininet()
    {
        OvsPreconditions.RequireRootAndOvs("mnexec", "ethtool");
        OvsPreconditions.RequireFile(Python, "apt-get install python3 mininet");
    }

    [Test]
    public async Task OverlayScript_ThreeHypervisors_ProvisionedOverRest_PingsWithinEachTenant()
    {
        await using var controller = await OverlayController.StartAsync();
        await using var script = BackgroundProcess.Start(
            [Python, Script("overlay.py"), "--hosts", "3", "--controller", $"127.0.0.1:{controller.OpenFlowPort}", "--hold", "--check", "--wait", "60"]);
        await script.WaitForOutputAsync("READY", TimeSpan.FromSeconds(120));
        var layout = JsonNode.Parse(script.Stdout.Split('\n').First(l => l.StartsWith("LAYOUT ", StringComparison.Ordinal))["LAYOUT ".Length..])!;

        // Declare everything the script built, then plug each VM port in with the VLAN REST allocated.
        var tunnel = layout["tunnel"]!.GetValue<string>() == "gre" ? TunnelType.Gre : TunnelType.Vxlan;
        var networks = new Dictionary<string, string>();
        foreach (var tenant in new[] { "A", "B" })
        {
            var segment = layout["hosts"]![0]!["vms"]!.AsArray().First(v => v!["tenant"]!.GetValue<string>() == tenant)!["segment"]!.GetValue<uint>();
            var tenantId = await controller.CreateTenantAsync($"mn-{tenant}");
            networks[tenant] = await controller.CreateNetworkAsync(tenantId, "net", tunnel, segment);
        }

        var dpids = new List<ulong>();
        foreach (var host in layout["hosts"]!.AsArray())
        {
            var dpid = host!["brTunDpid"]!.GetValue<string>();
            dpids.Add(ulong.Parse(dpid, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var hostId = await controller.CreateHostAsync(host["name"]!.GetValue<string>(), dpid, host["underlayIp"]!.GetValue<string>());
            var ovsDir = host["ovsDir"]!.GetValue<string>();
            var env = new Dictionary<string, string> { ["OVS_RUNDIR"] = ovsDir, ["OVS_DBDIR"] = ovsDir, ["OVS_LOGDIR"] = ovsDir };
            foreach (var vm in host["vms"]!.AsArray())
            {
                var (_, vlan) = await controller.CreatePortAsync(
                    networks[vm!["tenant"]!.GetValue<string>()], hostId, vm["mac"]!.GetValue<string>(), vm["ip"]!.GetValue<string>(), vm["name"]!.GetValue<string>());
                await Sh.RunAsync(["ovs-vsctl", "--timeout=20", "set", "port", vm["brIntPort"]!.GetValue<string>(), $"tag={vlan}"], env: env);
            }
        }

        await controller.WaitInSyncAsync(dpids, TimeSpan.FromSeconds(30));
        await script.WaitForOutputAsync("overlay check:", TimeSpan.FromSeconds(120));
        var result = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Stdout, Does.Contain("overlay check: 0 failure(s)"), $"{result.Stdout}\n{result.Stderr}");
            Assert.That(result.StdoutLines.Count(l => l.StartsWith("ping ", StringComparison.Ordinal) && l.EndsWith(": ok", StringComparison.Ordinal)), Is.EqualTo(12));
            Assert.That(result.ExitCode, Is.Zero);
        }
    }

    [TestCase("tree,depth=2,fanout=2")]
    [TestCase("linear,4")]
    public async Task PlainScript_OnTheLearningSwitch_PingallLosesNothing(string topo)
    {
        await using var controller = await OverlayController.StartAsync();

        var result = await Sh.RunAsync(
            [Python, Script("plain.py"), "--topo", topo, "--controller", $"127.0.0.1:{controller.OpenFlowPort}"],
            TimeSpan.FromSeconds(180),
            check: false);
        var metrics = await controller.Http.GetStringAsync(new Uri($"http://127.0.0.1:{controller.RestPort}/metrics"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.Zero, $"{result.Stdout}\n{result.Stderr}");
            Assert.That(result.Stdout, Does.Contain("pingall loss: 0%"));
            Assert.That(metrics, Does.Match("ofcontroller_openflow_messages_in_total\\{type=\"PacketIn\"\\} [1-9]"), "the learning switch handled PACKET_INs");
        }
    }

    private static string Script(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "mininet-topos", name);
}
