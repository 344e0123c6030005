using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Cli.Tests;

/// <summary>
/// ofc attach/detach for real: a private ovsdb-server + ovs-vswitchd (userspace datapath) in a namespace of
/// its own that plays the hypervisor (one userspace datapath per namespace: its ovs-netdev tap is a
/// singleton), a container namespace made for the test, the real controller in-process on 127.0.0.1. ofc
/// runs here and its local commands (ip, ovs-vsctl) run in the hypervisor namespace through its command
/// runner, as they would when ofc runs on the hypervisor. Checked with ip and ovs-vsctl; everything is
/// removed afterwards, by PID and by name.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class AttachRealOvsTests
{
    private static readonly string[] Commands = ["ovsdb-server", "ovs-vswitchd", "ovsdb-tool", "ovs-vsctl", "ip"];

    [Test]
    public async Task AttachThenDetach_PlumbsTheNamespaceIntoTheBridge_AndRemovesItAll()
    {
        RequireRootAndOvs();
        var prefix = "oc" + Guid.NewGuid().ToString("n")[..6];
        var dir = Path.Combine(Path.GetTempPath(), "ofc-ovs-" + prefix);
        var bridge = "bi" + prefix;
        var netns = "ns" + prefix;
        var hypervisor = "hv" + prefix;
        var ovs = new Dictionary<string, string> { ["OVS_RUNDIR"] = dir, ["OVS_DBDIR"] = dir, ["OVS_LOGDIR"] = dir };
        var onHost = new InNetns(hypervisor, new ProcessRunner(ovs));
        Directory.CreateDirectory(dir);
        try
        {
            await RunAsync(null, "ip", "netns", "add", hypervisor);
            await RunAsync(null, "ip", "netns", "add", netns);
            await StartOvsAsync(dir, onHost, bridge);
            await using var c = await TestController.StartAsync();
            await Ok(OfcRun.RunAsync("--url", c.Url, "tenants", "create", "acme"));
            await Ok(OfcRun.RunAsync("--url", c.Url, "networks", "create", "web", "--tenant", "acme", "--cidr", "10.77.0.0/24"));
            await Ok(OfcRun.RunAsync("--url", c.Url, "hosts", "create", "hv1", "--dpid", "0x77", "--tunnel-ip", "192.168.77.1"));

            var attach = await OfcRun.OnHostAsync(onHost, "--url", c.Url, "--json", "attach", "web", netns, "--ip", "10.77.0.5/24", "--mac", "02:00:00:77:00:05", "--host", "hv1", "--bridge", bridge);
            Assert.That(attach.ExitCode, Is.Zero, attach.Stderr);
            var port = JsonNode.Parse(attach.Stdout)!.AsObject();
            var id = port["id"]!.GetValue<string>();
            var iface = port["interface"]!.GetValue<string>();

            var addr = await RunAsync(null, "ip", "-n", netns, "-br", "addr", "show", "eth0");
            var link = await RunAsync(null, "ip", "-n", netns, "-br", "link", "show", "eth0");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(addr, Does.Contain("10.77.0.5/24"));
                Assert.That(link, Does.Contain("02:00:00:77:00:05"));
                Assert.That(link, Does.Not.Contain("DOWN"));
                Assert.That((await RunOnAsync(onHost, "ovs-vsctl", "list-ports", bridge)).Trim(), Is.EqualTo(iface));
                Assert.That((await RunOnAsync(onHost, "ovs-vsctl", "get", "Interface", iface, "external_ids:iface-id")).Trim(), Is.EqualTo($"\"{id}\""));
                Assert.That((await RunOnAsync(onHost, "ovs-vsctl", "get", "Interface", iface, "external_ids:attached-mac")).Trim(), Is.EqualTo("\"02:00:00:77:00:05\""));
                Assert.That((await RunOnAsync(onHost, "ovs-vsctl", "get", "Port", iface, "tag")).Trim(), Is.EqualTo(port["vlan"]!.ToJsonString()),
                    "the host answer shows no OVSDB connection, so the tag is set");
                Assert.That(await OfportAsync(onHost, iface, dir), Is.Positive, "ovs-vswitchd opened the veth");
            }

            var detach = await OfcRun.OnHostAsync(onHost, "--url", c.Url, "detach", id);
            Assert.That(detach.ExitCode, Is.Zero, detach.Stderr);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(detach.Stdout.Trim(), Is.EqualTo($"detached port {id}: removed {iface}"));
                Assert.That((await RunOnAsync(onHost, "ovs-vsctl", "list-ports", bridge)).Trim(), Is.Empty);
                Assert.That(await TryOnAsync(onHost, "ip", "link", "show", iface), Is.Null, "the host end is gone");
                Assert.That(await TryAsync(null, "ip", "-n", netns, "link", "show", "eth0"), Is.Null, "and with it the namespace end");
                Assert.That((await Ok(OfcRun.RunAsync("--url", c.Url, "--json", "ports", "list"))).Trim(), Is.EqualTo("[]"));
            }
        }
        finally
        {
            await TryOnAsync(onHost, "ovs-vsctl", "--timeout=5", "--if-exists", "del-br", bridge);
            foreach (var daemon in new[] { "ovs-vswitchd", "ovsdb-server" })
            {
                var pidFile = Path.Combine(dir, daemon + ".pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                {
                    try
                    {
                        using var p = Process.GetProcessById(pid);
                        p.Kill();
                        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
                    }
                    catch (ArgumentException)
                    {
                        // already gone
                    }
                }
            }

            await TryAsync(null, "ip", "netns", "del", netns);
            await TryAsync(null, "ip", "netns", "del", hypervisor);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task StartOvsAsync(string dir, ICommandRunner ovs, string bridge)
    {
        var db = Path.Combine(dir, "conf.db");
        var sock = "unix:" + Path.Combine(dir, "db.sock");
        await RunOnAsync(ovs, "ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema");
        await RunOnAsync(ovs, "ovsdb-server", db, "--remote=p" + sock, "--pidfile=" + Path.Combine(dir, "ovsdb-server.pid"), "--detach", "--log-file=" + Path.Combine(dir, "ovsdb-server.log"));
        await RunOnAsync(ovs, "ovs-vsctl", "--no-wait", "init");
        await RunOnAsync(ovs, "ovs-vswitchd", sock, "--pidfile=" + Path.Combine(dir, "ovs-vswitchd.pid"), "--detach", "--log-file=" + Path.Combine(dir, "ovs-vswitchd.log"));
        await RunOnAsync(ovs, "ovs-vsctl", "--timeout=20", "add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev", "fail_mode=standalone");
    }

    // ofport is [] until ovs-vswitchd has opened the interface; -1 when it failed (the error column says why).
    private static async Task<int> OfportAsync(ICommandRunner ovs, string iface, string logDir)
    {
        for (var i = 0; i < 50; i++)
        {
            var text = (await RunOnAsync(ovs, "ovs-vsctl", "get", "Interface", iface, "ofport")).Trim();
            if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var ofport) && ofport != 0)
            {
                return ofport > 0 ? ofport : throw new AssertionException("ofport -1: " + await RunOnAsync(ovs, "ovs-vsctl", "get", "Interface", iface, "error"));
            }

            await Task.Delay(100);
        }

        var log = Path.Combine(logDir, "ovs-vswitchd.log");
        throw new AssertionException($"no ofport for {iface} after 5 s:\n{await TryOnAsync(ovs, "ovs-vsctl", "show")}\n{(File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "no log")}");
    }

    private static void RequireRootAndOvs()
    {
        string? missing = !Environment.IsPrivilegedProcess ? "root" : Commands.FirstOrDefault(cmd => !OnPath(cmd));
        if (missing is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail($"REQUIRE_REAL_OVS=1 but {missing} is missing");
        }

        Assert.Ignore($"needs {missing} (apt-get install openvswitch-switch)");
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, command)));

    private static async Task<string> Ok(Task<OfcRun> run)
    {
        var r = await run;
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        return r.Stdout;
    }

    private static async Task<string> RunAsync(Dictionary<string, string>? env, string program, params string[] args)
    {
        var r = await new ProcessRunner(env).RunAsync(program, args, CancellationToken.None);
        return r.ExitCode == 0 ? r.Stdout : throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {r.ExitCode}: {r.Stderr}");
    }

    private static Task<string?> TryAsync(Dictionary<string, string>? env, string program, params string[] args) => TryOnAsync(new ProcessRunner(env), program, args);

    private static async Task<string?> TryOnAsync(ICommandRunner runner, string program, params string[] args)
    {
        var r = await runner.RunAsync(program, args, CancellationToken.None);
        return r.ExitCode == 0 ? r.Stdout : null;
    }

    private static async Task<string> RunOnAsync(ICommandRunner runner, string program, params string[] args)
    {
        var r = await runner.RunAsync(program, args, CancellationToken.None);
        return r.ExitCode == 0 ? r.Stdout : throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {r.ExitCode}: {r.Stderr}");
    }

    /// <summary>Runs every command inside network namespace <paramref name="netns"/> (ip netns exec).</summary>
    private sealed class InNetns(string netns, ICommandRunner inner) : ICommandRunner
    {
        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct) =>
            inner.RunAsync("ip", ["netns", "exec", netns, program, .. args], ct);
    }
}
