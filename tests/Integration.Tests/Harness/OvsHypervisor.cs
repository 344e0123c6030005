using Tests.Shared;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// One emulated hypervisor: network namespace <c>h{prefix}{index}</c> running its own ovsdb-server and
/// ovs-vswitchd from a private directory <c>/tmp/ovs-h{prefix}{index}</c> (OVS_RUNDIR = OVS_DBDIR = OVS_LOGDIR).
/// With <see cref="HostPlumbing.Manual"/> the harness creates bridges br-int, br-tun (joined by patch-int/patch-tun)
/// and br-phy, all <c>datapath_type=netdev</c>; br-tun is <c>fail_mode=secure</c>, <c>protocols=OpenFlow13</c> and
/// starts empty (drops everything). With <see cref="HostPlumbing.Ovsdb"/> only br-phy exists: the controller creates
/// the rest once the host is pointed at it with <see cref="SetManagerAsync"/>.
/// ovsdb-server always follows the Manager table (<c>--remote=db:Open_vSwitch,Open_vSwitch,manager_options</c>); with
/// OVSDB plumbing it also logs every JSON-RPC message at debug level, so <see cref="RemoteTransactionCount"/> counts
/// what a manager sent.
/// The underlay IP goes on br-phy's internal port (see <see cref="Underlay"/>).
/// Disposal stops the relay and both daemons by pidfile, then deletes the namespace and the directory.
/// </summary>
internal sealed partial class OvsHypervisor : IAsyncDisposable
{
    public const string BrInt = "br-int";
    public const string BrTun = "br-tun";
    public const string BrPhy = "br-phy";
    public const string PatchInt = "patch-int";
    public const string PatchTun = "patch-tun";

    private static readonly TimeSpan DaemonTimeout = TimeSpan.FromSeconds(20);
    private readonly CleanupStack _cleanup = new();
    private BackgroundProcess? _relay;

    private OvsHypervisor(string prefix, int index, HostPlumbing plumbing)
    {
        Prefix = prefix;
        Index = index;
        Plumbing = plumbing;
        Namespace = $"h{prefix}{index}";
        Directory = Path.Combine(Path.GetTempPath(), $"ovs-{Namespace}");
        Environment = new Dictionary<string, string>
        {
            ["OVS_RUNDIR"] = Directory,
            ["OVS_DBDIR"] = Directory,
            ["OVS_LOGDIR"] = Directory,
        };
    }

    public string Prefix { get; }

    /// <summary>Who creates br-int, br-tun and the patch ports: the harness or the controller over OVSDB.</summary>
    public HostPlumbing Plumbing { get; }

    /// <summary>1-based host number; also the last octet of its underlay address.</summary>
    public int Index { get; }

    public string Namespace { get; }

    /// <summary>Private OVS directory: conf.db, db.sock, pidfiles, logs, br-*.mgmt, ctl.sock.</summary>
    public string Directory { get; }

    /// <summary>OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR for ovs-vsctl, ovs-ofctl and ovs-appctl.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Underlay address (without prefix length), set by <see cref="Underlay"/>.</summary>
    public string? UnderlayIp { get; internal set; }

    /// <summary>Unix socket the switch connects to; the relay forwards it to the controller's TCP port.</summary>
    public string ControllerSocket => Path.Combine(Directory, "ctl.sock");

    /// <summary>The TCP port on 127.0.0.1 the relay currently forwards to, if any.</summary>
    public int? ControllerPort { get; private set; }

    public static async Task<OvsHypervisor> StartAsync(
        string prefix, int index, HostPlumbing plumbing = HostPlumbing.Manual, CancellationToken cancellationToken = default)
    {
        var host = new OvsHypervisor(prefix, index, plumbing);
        try
        {
            await host.InitAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <c>ovs-vsctl</c> against this host's database.</summary>
    public Task<ShResult> VsctlAsync(params string[] args) => Sh.RunAsync(["ovs-vsctl", "--timeout=20", .. args], env: Environment);

    /// <summary>Runs <c>ovs-ofctl -O OpenFlow13 args</c> against this host's bridges.</summary>
    public Task<ShResult> OfctlAsync(params string[] args) => OfctlAsync(args, check: true);

    /// <summary><c>ovs-ofctl -O OpenFlow13 ARGS</c> on this host (the tests' one runner, <see cref="OvsOfctl"/>).</summary>
    public async Task<ShResult> OfctlAsync(IReadOnlyList<string> args, bool check)
    {
        var run = await OvsOfctl.BridgeAsync(Environment, args).ConfigureAwait(false);
        var result = new ShResult(run.CommandLine, run.ExitCode, run.Stdout, run.Stderr);
        return check && !result.Succeeded ? throw new ShException(result, "command failed") : result;
    }

    /// <summary>Runs <c>ovs-appctl</c> against this host's ovs-vswitchd.</summary>
    public Task<ShResult> AppctlAsync(params string[] args) => Sh.RunAsync(["ovs-appctl", "--timeout=20", .. args], env: Environment);

    /// <summary>Runs a command inside the host's network namespace (with the OVS environment).</summary>
    public Task<ShResult> ExecAsync(IReadOnlyList<string> argv, TimeSpan? timeout = null, bool check = true)
        => Sh.InNetnsAsync(Namespace, argv, timeout, Environment, check);

    /// <summary>
    /// Adds a flow-keyed tunnel port to br-tun: <c>type=vxlan|gre options:remote_ip=&lt;ip&gt; options:key=flow</c>
    /// (in_key=flow and out_key=flow). Returns its OpenFlow port number.
    /// </summary>
    public async Task<int> AddTunnelPortAsync(string name, TunnelType type, string remoteIp, string bridge = BrTun)
    {
        var kind = type.Name();
        await VsctlAsync(
            "add-port", bridge, name, "--", "set", "interface", name, $"type={kind}",
            $"options:remote_ip={remoteIp}", "options:key=flow").ConfigureAwait(false);
        return await PortNumberAsync(bridge, name).ConfigureAwait(false);
    }

    /// <summary>
    /// Neutron's tunnel port naming: <c>vxlan-c0a84d02</c> for 192.168.77.2 (the hex of the remote IPv4), a hash
    /// for IPv6 (the product's own <see cref="Apps.Overlay.TunnelPortName"/>, whose vectors are checked against an
    /// independent computation in Apps.Tests).
    /// </summary>
    public static string TunnelPortName(TunnelType type, string remoteIp)
    {
        var ip = System.Net.IPAddress.Parse(remoteIp);
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return Apps.Overlay.TunnelPortName.Format((Apps.Model.TunnelType)(int)type, ip);
        }

        var hex = string.Concat(ip.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return $"{(type == TunnelType.Geneve ? "gnv" : type.Name())}-{hex}";
    }

    /// <summary>
    /// Points <paramref name="bridge"/> at a controller listening on 127.0.0.1:<paramref name="tcpPort"/> in the root
    /// namespace: a socat relay (root namespace) listens on <see cref="ControllerSocket"/>, and the bridge gets
    /// <c>set-controller unix:ctl.sock</c> with <c>max_backoff=1000</c>. Calling it again replaces the relay.
    /// </summary>
    public async Task SetControllerAsync(int tcpPort, string bridge = BrTun)
    {
        await StopRelayAsync().ConfigureAwait(false);
        File.Delete(ControllerSocket);
        var relay = BackgroundProcess.Start(["socat", $"UNIX-LISTEN:{ControllerSocket},fork,unlink-early", $"TCP:127.0.0.1:{tcpPort}"]);
        _relay = relay;
        await File.WriteAllTextAsync(Path.Combine(Directory, StaleResources.RelayPidFile), relay.Pid.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await Poll.UntilAsync(
            () => File.Exists(ControllerSocket) || (relay.HasExited ? throw new ShException($"socat relay exited: {relay.Stderr}") : false),
            TimeSpan.FromSeconds(10),
            $"socat relay socket {ControllerSocket}").ConfigureAwait(false);
        ControllerPort = tcpPort;
        await VsctlAsync(
            "set-controller", bridge, $"unix:{ControllerSocket}", "--",
            "set", "controller", bridge, "max_backoff=1000", "--",
            "set", "bridge", bridge, "fail_mode=secure", "protocols=OpenFlow13").ConfigureAwait(false);
    }

    /// <summary>Removes the bridge's controller and stops the relay.</summary>
    public async Task ClearControllerAsync(string bridge = BrTun)
    {
        await VsctlAsync("del-controller", bridge).ConfigureAwait(false);
        await StopRelayAsync().ConfigureAwait(false);
    }

    /// <summary>Stops only the relay (the switch sees its controller connection drop and retries every second).</summary>
    public async Task StopRelayAsync()
    {
        if (_relay is { } relay)
        {
            _relay = null;
            ControllerPort = null;
            await relay.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary><c>ovs-ofctl -O OpenFlow13 dump-flows bridge [filter]</c>, parsed.</summary>
    public async Task<IReadOnlyList<DumpedFlow>> DumpFlowsAsync(string bridge = BrTun, string? filter = null)
    {
        var result = filter is null
            ? await OfctlAsync("dump-flows", bridge).ConfigureAwait(false)
            : await OfctlAsync("dump-flows", bridge, filter).ConfigureAwait(false);
        return DumpedFlow.ParseDump(result.Stdout);
    }

    /// <summary>Polls dump-flows until <paramref name="predicate"/> holds; returns that dump, or throws with the last dump.</summary>
    public async Task<IReadOnlyList<DumpedFlow>> WaitForFlowsAsync(
        Func<IReadOnlyList<DumpedFlow>, bool> predicate, TimeSpan timeout, string bridge = BrTun, string? what = null)
    {
        IReadOnlyList<DumpedFlow> last = [];
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    last = await DumpFlowsAsync(bridge).ConfigureAwait(false);
                    return predicate(last);
                },
                timeout,
                what ?? $"flows on {Namespace}/{bridge}",
                TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            return last;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last dump:\n{string.Join('\n', last.Select(f => f.Raw))}", ex);
        }
    }

    /// <summary>Starts watching <paramref name="bridge"/>'s flow table changes (dispose to stop).</summary>
    public Task<FlowMonitor> StartFlowMonitorAsync(string bridge = BrTun) => FlowMonitor.StartAsync(this, bridge);

    /// <summary>OpenFlow port number of <paramref name="portName"/>, read from <c>ovs-ofctl show</c> (never from ofport_request).</summary>
    public async Task<int> PortNumberAsync(string bridge, string portName)
    {
        var ports = await PortNumbersAsync(bridge).ConfigureAwait(false);
        return ports.TryGetValue(portName, out var number)
            ? number
            : throw new InvalidOperationException($"port {portName} not on {Namespace}/{bridge}; ports: {string.Join(", ", ports.Keys)}");
    }

    /// <summary>All port names to OpenFlow port numbers (LOCAL excluded), from <c>ovs-ofctl -O OpenFlow13 show</c>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> PortNumbersAsync(string bridge)
    {
        var output = (await OfctlAsync("show", bridge).ConfigureAwait(false)).Stdout;
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in PortLine().Matches(output))
        {
            ports[m.Groups[2].Value] = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return ports;
    }

    /// <summary>The bridge's datapath id as 16 hex digits.</summary>
    public async Task<string> DatapathIdAsync(string bridge = BrTun)
    {
        var output = (await OfctlAsync("show", bridge).ConfigureAwait(false)).Stdout;
        var m = DpidLine().Match(output);
        return m.Success ? m.Groups[1].Value : throw new InvalidOperationException($"no dpid in: {output}");
    }

    /// <summary>Kills ovs-vswitchd (SIGKILL by default: a crash) by its pidfile. The database, namespace and taps stay.</summary>
    public Task KillVswitchdAsync(string signal = "KILL")
        => PidFile.StopAsync(Path.Combine(Directory, "ovs-vswitchd.pid"), "ovs-vswitchd", signal);

    /// <summary>
    /// Starts ovs-vswitchd again (after <see cref="KillVswitchdAsync"/>) and waits until it serves: until br-tun answers
    /// OpenFlow when the database has a br-tun, else until it answers on its control socket.
    /// </summary>
    public async Task StartVswitchdAsync()
    {
        await ExecAsync(VswitchdArgv(), DaemonTimeout).ConfigureAwait(false);
        var hasBrTun = (await Sh.RunAsync(["ovs-vsctl", "--timeout=5", "br-exists", BrTun], env: Environment, check: false).ConfigureAwait(false)).Succeeded;
        await Poll.UntilAsync(
            async () => hasBrTun
                ? (await OfctlAsync(["show", BrTun], check: false).ConfigureAwait(false)).Succeeded
                : (await Sh.RunAsync(["ovs-appctl", "--timeout=5", "version"], env: Environment, check: false).ConfigureAwait(false)).Succeeded,
            DaemonTimeout,
            $"ovs-vswitchd on {Namespace} to serve").ConfigureAwait(false);
    }

    /// <summary>SIGKILLs ovs-vswitchd by its pidfile and starts it again (a crash and its restart).</summary>
    public async Task RestartVswitchdAsync()
    {
        await KillVswitchdAsync().ConfigureAwait(false);
        await StartVswitchdAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops ovsdb-server by its pidfile (<paramref name="signal"/>, SIGTERM by default) and starts it again on the
    /// same database; waits until it answers. ovs-vswitchd reconnects by itself; the manager connection comes back
    /// from the Manager row.
    /// </summary>
    public async Task RestartOvsdbServerAsync(string signal = "TERM")
    {
        await PidFile.StopAsync(Path.Combine(Directory, "ovsdb-server.pid"), "ovsdb-server", signal).ConfigureAwait(false);
        await StartOvsdbServerAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// What the operator types on a host for OVSDB plumbing: <c>ovs-vsctl set-manager &lt;target&gt;</c>
    /// (e.g. <c>tcp:192.168.77.254:6640</c>).
    /// </summary>
    public Task SetManagerAsync(string target) => VsctlAsync("set-manager", target);

    /// <summary>
    /// <c>ovs-vsctl set open . external_ids:system-id=&lt;id&gt; external_ids:ofc-encap-ip=&lt;ip&gt;</c>
    /// (what <c>ovs-ctl --system-id</c> and the OVN-like encap setting would do); null leaves a key alone.
    /// </summary>
    public Task IdentifyAsync(string? systemId, string? encapIp)
    {
        List<string> args = ["set", "open_vswitch", "."];
        if (systemId is not null)
        {
            args.Add($"external_ids:system-id={systemId}");
        }

        if (encapIp is not null)
        {
            args.Add($"external_ids:ofc-encap-ip={encapIp}");
        }

        return args.Count > 3 ? VsctlAsync([.. args]) : Task.CompletedTask;
    }

    /// <summary>True when <paramref name="bridge"/> exists in this host's database.</summary>
    public async Task<bool> BridgeExistsAsync(string bridge)
        => (await Sh.RunAsync(["ovs-vsctl", "--timeout=5", "br-exists", bridge], env: Environment, check: false).ConfigureAwait(false)).Succeeded;

    /// <summary>Ports of <paramref name="bridge"/> as ovs-vsctl lists them (empty when the bridge does not exist).</summary>
    public async Task<IReadOnlyList<string>> ListPortsAsync(string bridge)
    {
        var result = await Sh.RunAsync(["ovs-vsctl", "--timeout=5", "list-ports", bridge], env: Environment, check: false).ConfigureAwait(false);
        return result.Succeeded ? result.StdoutLines : [];
    }

    /// <summary>
    /// JSON-RPC <c>transact</c> requests that ovsdb-server received over TCP (a manager such as the controller; the
    /// local daemons and ovs-vsctl use the unix socket) since it was first started, from its debug log. The
    /// independent count for "in sync means zero transactions".
    /// </summary>
    public int RemoteTransactionCount() => ManagerTransactions().Count;

    /// <summary>ovs-vsctl show, br-tun flows and the tail of ovs-vswitchd.log, for failure messages.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var show = await Sh.RunAsync(["ovs-vsctl", "--timeout=5", "show"], env: Environment, check: false).ConfigureAwait(false);
        var flows = await OfctlAsync(["dump-flows", BrTun], check: false).ConfigureAwait(false);
        var log = Path.Combine(Directory, "ovs-vswitchd.log");
        var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log)";
        return $"=== {Namespace}: ovs-vsctl show\n{show.Stdout}{show.Stderr}=== dump-flows br-tun\n{flows.Stdout}{flows.Stderr}=== ovs-vswitchd.log (tail)\n{tail}\n";
    }

    public async ValueTask DisposeAsync()
    {
        await StopRelayAsync().ConfigureAwait(false);
        await _cleanup.DisposeAsync().ConfigureAwait(false);
    }

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        await StaleResources.EnsureReapedAsync().ConfigureAwait(false);
        if (System.IO.Directory.Exists(Directory))
        {
            throw new InvalidOperationException($"{Directory} already exists: prefix {Prefix} is in use");
        }

        System.IO.Directory.CreateDirectory(Directory);
        StaleResources.WriteOwner(Directory);
        _cleanup.Push($"directory {Directory}", () =>
        {
            if (System.Environment.GetEnvironmentVariable("OVS_HARNESS_KEEP") == "1")
            {
                File.Delete(Path.Combine(Directory, StaleResources.OwnerFile)); // kept on purpose: not stale
            }
            else if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }

            return Task.CompletedTask;
        });

        await Sh.RunAsync(["ip", "netns", "add", Namespace], cancellationToken: cancellationToken).ConfigureAwait(false);
        _cleanup.Push($"namespace {Namespace}", () => Sh.DeleteNetnsAsync(Namespace));
        await Sh.RunAsync(["ip", "-n", Namespace, "link", "set", "lo", "up"], cancellationToken: cancellationToken).ConfigureAwait(false);
        await Sh.InNetnsAsync(
            Namespace,
            ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"],
            cancellationToken: cancellationToken).ConfigureAwait(false);

        var db = Path.Combine(Directory, "conf.db");
        await Sh.RunAsync(["ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema"], cancellationToken: cancellationToken).ConfigureAwait(false);
        _cleanup.Push($"ovsdb-server of {Namespace}", () => PidFile.StopAsync(Path.Combine(Directory, "ovsdb-server.pid"), "ovsdb-server"));
        await StartOvsdbServerAsync(cancellationToken).ConfigureAwait(false);
        await Sh.RunAsync(["ovs-vsctl", "--no-wait", "init"], env: Environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        _cleanup.Push($"ovs-vswitchd of {Namespace}", () => PidFile.StopAsync(Path.Combine(Directory, "ovs-vswitchd.pid"), "ovs-vswitchd"));
        await ExecAsync(VswitchdArgv(), DaemonTimeout).ConfigureAwait(false);

        if (Plumbing == HostPlumbing.Ovsdb)
        {
            await VsctlAsync("add-br", BrPhy, "--", "set", "bridge", BrPhy, "datapath_type=netdev").ConfigureAwait(false);
            return;
        }

        await VsctlAsync(
            "add-br", BrPhy, "--", "set", "bridge", BrPhy, "datapath_type=netdev", "--",
            "add-br", BrInt, "--", "set", "bridge", BrInt, "datapath_type=netdev", "--",
            "add-br", BrTun, "--", "set", "bridge", BrTun, "datapath_type=netdev", "fail_mode=secure", "protocols=OpenFlow13", "--",
            "add-port", BrInt, PatchTun, "--", "set", "interface", PatchTun, "type=patch", $"options:peer={PatchInt}", "--",
            "add-port", BrTun, PatchInt, "--", "set", "interface", PatchInt, "type=patch", $"options:peer={PatchTun}").ConfigureAwait(false);
    }

    private string[] VswitchdArgv()
        => ["ovs-vswitchd", $"unix:{Path.Combine(Directory, "db.sock")}", "--pidfile", "--detach", "--log-file", "--no-chdir"];

    /// <summary>
    /// Starts ovsdb-server on the existing conf.db: the unix socket for the local tools, the Manager table for
    /// set-manager, JSON-RPC traffic logged (debug) for <see cref="RemoteTransactionCount"/>.
    /// </summary>
    private async Task StartOvsdbServerAsync(CancellationToken cancellationToken)
    {
        List<string> argv =
        [
            "ovsdb-server", Path.Combine(Directory, "conf.db"), $"--remote=punix:{Path.Combine(Directory, "db.sock")}",
            "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
            "--private-key=db:Open_vSwitch,SSL,private_key", "--certificate=db:Open_vSwitch,SSL,certificate", "--bootstrap-ca-cert=db:Open_vSwitch,SSL,ca_cert",
            "--pidfile", "--detach", "--log-file", "--no-chdir",
        ];
        if (Plumbing == HostPlumbing.Ovsdb)
        {
            argv.Add("-vjsonrpc:file:dbg");
        }

        await ExecAsync(argv, DaemonTimeout).ConfigureAwait(false);
        await Poll.UntilAsync(
            async () => (await Sh.RunAsync(["ovs-vsctl", "--timeout=2", "--no-wait", "show"], env: Environment, check: false, cancellationToken: cancellationToken).ConfigureAwait(false)).Succeeded,
            DaemonTimeout,
            $"ovsdb-server on {Namespace} to answer").ConfigureAwait(false);
    }

    [GeneratedRegex(@"^\s*(\d+)\(([^)]+)\):", RegexOptions.Multiline)]
    private static partial Regex PortLine();

    [GeneratedRegex(@"dpid:([0-9a-fA-F]{16})")]
    private static partial Regex DpidLine();
}
