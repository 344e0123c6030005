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
        await using var hv = await Hypervisor.StartAsync();
        var netns = "ns" + hv.Prefix;
        try
        {
            await RunAsync(null, "ip", "netns", "add", netns);
            await using var c = await TestController.StartAsync();
            await ProvisionAsync(c);

            var attach = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "--json", "attach", "web", netns, "--ip", "10.77.0.5/24", "--mac", "02:00:00:77:00:05", "--host", "hv1", "--bridge", hv.Bridge);
            Assert.That(attach.ExitCode, Is.Zero, attach.Stderr);
            var port = JsonNode.Parse(attach.Stdout)!.AsObject();
            var id = port["id"]!.GetValue<string>();
            var iface = port["interface"]!.GetValue<string>();
            var mtu = await NetworkMtuAsync(c);

            var addr = await RunAsync(null, "ip", "-n", netns, "-br", "addr", "show", "eth0");
            var link = await RunAsync(null, "ip", "-n", netns, "link", "show", "eth0");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(addr, Does.Contain("10.77.0.5/24"));
                Assert.That(link, Does.Contain("02:00:00:77:00:05"));
                Assert.That(link, Does.Contain($"mtu {mtu} "), "the network's MTU");
                Assert.That(link, Does.Not.Contain("DOWN"));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "list-ports", hv.Bridge)).Trim(), Is.EqualTo(iface));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "get", "Interface", iface, "external_ids:iface-id")).Trim(), Is.EqualTo($"\"{id}\""));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "get", "Interface", iface, "external_ids:attached-mac")).Trim(), Is.EqualTo("\"02:00:00:77:00:05\""));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "get", "Port", iface, "tag")).Trim(), Is.EqualTo(port["vlan"]!.ToJsonString()),
                    "the host answer shows no OVSDB connection, so the tag is set");
                Assert.That(await hv.OfportAsync(iface), Is.Positive, "ovs-vswitchd opened the veth");
            }

            var detach = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "detach", id);
            Assert.That(detach.ExitCode, Is.Zero, detach.Stderr);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(detach.Stdout.Trim(), Is.EqualTo($"detached port {id}: removed {iface}"));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "list-ports", hv.Bridge)).Trim(), Is.Empty);
                Assert.That(await TryOnAsync(hv.Runner, "ip", "link", "show", iface), Is.Null, "the host end is gone");
                Assert.That(await TryAsync(null, "ip", "-n", netns, "link", "show", "eth0"), Is.Null, "and with it the namespace end");
                Assert.That((await Ok(OfcRun.RunAsync("--url", c.Url, "--json", "ports", "list"))).Trim(), Is.EqualTo("[]"));
            }
        }
        finally
        {
            await TryAsync(null, "ip", "netns", "del", netns);
        }
    }

    /// <summary>
    /// pipework's own case: a Docker container started with no network of its own (--network none) gets its
    /// eth0 from ofc attach, by name, and answers a ping from a namespace attached to the same bridge. A
    /// container that exists but is not running, and a name that could be read as an option, are refused in
    /// one line with nothing left in the store. Detach empties the container's namespace again.
    /// </summary>
    [Test]
    [Category("Docker")]
    public async Task AttachIntoADockerContainer_AnswersPingsThroughTheBridge_AndDetachRemovesItsInterface()
    {
        RequireRootAndOvs();
        Require("docker", "dockerd", "nsenter", "ping", "debootstrap");
        var root = RepositoryRoot();
        var started = (await RunAsync(null, Path.Combine(root, "scripts", "docker-engine.sh"))).Trim();
        await using var hv = await Hypervisor.StartAsync();
        var netns = "ns" + hv.Prefix;
        var container = "ofc-att-" + hv.Prefix;
        var stopped = "ofc-stp-" + hv.Prefix;
        try
        {
            await RunAsync(null, Path.Combine(root, "scripts", "build-images.sh"), "--base-only");
            // Bounded: the container ends by itself after 10 minutes should the cleanup below never run.
            await RunAsync(null, "docker", "run", "-d", "--rm", "--network", "none", "--name", container, "ofc-base:bookworm", "sleep", "600");
            await RunAsync(null, "docker", "create", "--network", "none", "--name", stopped, "ofc-base:bookworm", "true");
            var pid = (await RunAsync(null, "docker", "inspect", "-f", "{{.State.Pid}}", container)).Trim();
            await RunAsync(null, "ip", "netns", "add", netns);
            await using var c = await TestController.StartAsync();
            await ProvisionAsync(c);

            var attach = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "--json", "attach", "web", container, "--ip", "10.77.0.6/24", "--mac", "02:00:00:77:00:06", "--host", "hv1", "--bridge", hv.Bridge);
            Assert.That(attach.ExitCode, Is.Zero, attach.Stderr);
            var port = JsonNode.Parse(attach.Stdout)!.AsObject();
            var id = port["id"]!.GetValue<string>();
            var iface = port["interface"]!.GetValue<string>();
            var peer = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "attach", "web", netns, "--ip", "10.77.0.5/24", "--host", "hv1", "--bridge", hv.Bridge);
            Assert.That(peer.ExitCode, Is.Zero, peer.Stderr);

            var link = await RunAsync(null, "nsenter", "-t", pid, "-n", "ip", "link", "show", "eth0");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(port["netns"]!.GetValue<string>(), Is.EqualTo(container));
                Assert.That(port["name"]!.GetValue<string>(), Is.EqualTo(container), "the port is named after the container");
                Assert.That(await RunAsync(null, "nsenter", "-t", pid, "-n", "ip", "-br", "addr", "show", "eth0"), Does.Contain("10.77.0.6/24"));
                Assert.That(link, Does.Contain("02:00:00:77:00:06"));
                Assert.That(link, Does.Contain($"mtu {await NetworkMtuAsync(c)} "));
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "get", "Interface", iface, "external_ids:iface-id")).Trim(), Is.EqualTo($"\"{id}\""));
                Assert.That(await hv.OfportAsync(iface), Is.Positive, "ovs-vswitchd opened the container's veth");
            }

            // Three answers each way within 10 s (-c with -w fails unless all three come back).
            var toContainer = await new ProcessRunner(null).RunAsync("ip", ["netns", "exec", netns, "ping", "-n", "-c", "3", "-i", "0.3", "-w", "10", "10.77.0.6"], CancellationToken.None);
            Assert.That(toContainer.ExitCode, Is.Zero, "namespace -> container: " + toContainer.Stdout + toContainer.Stderr + await hv.ShowAsync());
            var fromContainer = await new ProcessRunner(null).RunAsync("nsenter", ["-t", pid, "-n", "ping", "-n", "-c", "3", "-i", "0.3", "-w", "10", "10.77.0.5"], CancellationToken.None);
            Assert.That(fromContainer.ExitCode, Is.Zero, "container -> namespace: " + fromContainer.Stdout + fromContainer.Stderr);

            var notRunning = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "attach", "web", stopped, "--host", "hv1", "--bridge", hv.Bridge);
            var optionLike = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "attach", "web", "--host", "hv1", "--bridge", hv.Bridge, "--", "--help");
            var traversal = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "attach", "web", "../../proc/1/ns/net", "--host", "hv1", "--bridge", hv.Bridge);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(notRunning.ExitCode, Is.Not.Zero);
                Assert.That(notRunning.ErrorLines, Has.Length.EqualTo(1).And.Some.Contains($"Docker container '{stopped}' is not running"));
                Assert.That(optionLike.ExitCode, Is.Not.Zero);
                Assert.That(optionLike.ErrorLines, Has.Length.EqualTo(1).And.Some.Contains("is not a namespace or container name"));
                Assert.That(traversal.ExitCode, Is.Not.Zero);
                Assert.That(traversal.ErrorLines, Has.Length.EqualTo(1).And.Some.Contains("is not a namespace or container name"));
                Assert.That(JsonNode.Parse(await Ok(OfcRun.RunAsync("--url", c.Url, "--json", "ports", "list")))!.AsArray(), Has.Count.EqualTo(2),
                    "the refused attaches left no port in the store");
            }

            var detach = await OfcRun.OnHostAsync(hv.Runner, "--url", c.Url, "detach", id);
            Assert.That(detach.ExitCode, Is.Zero, detach.Stderr);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(await TryAsync(null, "nsenter", "-t", pid, "-n", "ip", "link", "show", "eth0"), Is.Null, "the container's eth0 is gone");
                Assert.That(await TryOnAsync(hv.Runner, "ip", "link", "show", iface), Is.Null, "the host end is gone");
                Assert.That((await RunOnAsync(hv.Runner, "ovs-vsctl", "list-ports", hv.Bridge)).Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1),
                    "only the namespace's port is left on the bridge");
                Assert.That(JsonNode.Parse(await Ok(OfcRun.RunAsync("--url", c.Url, "--json", "ports", "list")))!.AsArray(), Has.Count.EqualTo(1));
            }
        }
        finally
        {
            await TryAsync(null, "docker", "rm", "-f", container);
            await TryAsync(null, "docker", "rm", "-f", stopped);
            await TryAsync(null, "ip", "netns", "del", netns);
            if (int.TryParse(started, System.Globalization.CultureInfo.InvariantCulture, out var dockerd))
            {
                await StopAsync(dockerd, TimeSpan.FromSeconds(30));
            }
        }
    }

    private static async Task ProvisionAsync(TestController c)
    {
        await Ok(OfcRun.RunAsync("--url", c.Url, "tenants", "create", "acme"));
        await Ok(OfcRun.RunAsync("--url", c.Url, "networks", "create", "web", "--tenant", "acme", "--cidr", "10.77.0.0/24"));
        await Ok(OfcRun.RunAsync("--url", c.Url, "hosts", "create", "hv1", "--dpid", "0x77", "--tunnel-ip", "192.168.77.1"));
    }

    private static async Task<int> NetworkMtuAsync(TestController c)
    {
        var nets = JsonNode.Parse(await Ok(OfcRun.RunAsync("--url", c.Url, "--json", "networks", "list")))!.AsArray();
        return nets.Single()!["mtu"]!.GetValue<int>();
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Controller.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("no Controller.sln above " + AppContext.BaseDirectory);
    }

    private static async Task StopAsync(int pid, TimeSpan wait)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill();
            await p.WaitForExitAsync(new CancellationTokenSource(wait).Token);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    /// <summary>
    /// A private ovsdb-server + ovs-vswitchd (userspace datapath) in a namespace of its own, with one bridge
    /// in standalone fail mode; disposal stops both daemons by PID and removes the namespace and directory.
    /// </summary>
    private sealed class Hypervisor : IAsyncDisposable
    {
        private Hypervisor(string prefix)
        {
            Prefix = prefix;
            Dir = Path.Combine(Path.GetTempPath(), "ofc-ovs-" + prefix);
            Bridge = "bi" + prefix;
            Netns = "hv" + prefix;
            var ovs = new Dictionary<string, string> { ["OVS_RUNDIR"] = Dir, ["OVS_DBDIR"] = Dir, ["OVS_LOGDIR"] = Dir };
            Runner = new InNetns(Netns, new ProcessRunner(ovs));
        }

        public string Prefix { get; }

        public string Dir { get; }

        public string Bridge { get; }

        public string Netns { get; }

        /// <summary>Runs commands on the hypervisor: in its namespace, with its OVS directories.</summary>
        public ICommandRunner Runner { get; }

        public static async Task<Hypervisor> StartAsync()
        {
            var hv = new Hypervisor("oc" + Guid.NewGuid().ToString("n")[..6]);
            Directory.CreateDirectory(hv.Dir);
            try
            {
                await RunAsync(null, "ip", "netns", "add", hv.Netns);
                await StartOvsAsync(hv.Dir, hv.Runner, hv.Bridge);
                return hv;
            }
            catch
            {
                await hv.DisposeAsync();
                throw;
            }
        }

        public Task<int> OfportAsync(string iface) => AttachRealOvsTests.OfportAsync(Runner, iface, Dir);

        public async Task<string> ShowAsync() => "\n" + await TryOnAsync(Runner, "ovs-vsctl", "show") + await TryOnAsync(Runner, "ovs-appctl", "-t", Path.Combine(Dir, "ovs-vswitchd." + PidOf("ovs-vswitchd") + ".ctl"), "fdb/show", Bridge);

        public async ValueTask DisposeAsync()
        {
            await TryOnAsync(Runner, "ovs-vsctl", "--timeout=5", "--if-exists", "del-br", Bridge);
            foreach (var daemon in new[] { "ovs-vswitchd", "ovsdb-server" })
            {
                if (PidOf(daemon) is { } pid)
                {
                    await StopAsync(pid, TimeSpan.FromSeconds(10));
                }
            }

            await TryAsync(null, "ip", "netns", "del", Netns);
            Directory.Delete(Dir, recursive: true);
        }

        private int? PidOf(string daemon)
        {
            var pidFile = Path.Combine(Dir, daemon + ".pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
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

    private static void RequireRootAndOvs() => Require(Commands);

    private static void Require(params string[] commands)
    {
        string? missing = !Environment.IsPrivilegedProcess ? "root" : commands.FirstOrDefault(cmd => !OnPath(cmd));
        if (missing is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail($"REQUIRE_REAL_OVS=1 but {missing} is missing");
        }

        Assert.Ignore($"needs {missing} (scripts/test.sh installs it)");
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
