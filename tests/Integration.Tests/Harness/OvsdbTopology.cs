using Tests.Shared;
using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// The test bed for OVSDB plumbing: <c>hostCount</c> hypervisors with only their underlay (br-phy holding
/// <c>192.168.{subnet}.{n}</c>, <see cref="HostPlumbing.Ovsdb"/>), a fabric bridge joining them, and the controller
/// as its own process in its own namespace on that fabric (<see cref="ControllerProcess"/>, <c>.254</c>). With
/// <c>connect: true</c> every host then gets what its operator would type (<see cref="ConnectAsync"/>): system-id,
/// encap IP and <c>set-manager tcp:&lt;controller&gt;:6640</c>. Nothing else is configured by hand: br-int, br-tun,
/// patch and tunnel ports, controller targets and VM tags are the controller's. Disposal removes VMs, the controller,
/// the fabric and the hosts, also after a failed test (printing every host's state and the controller log first).
/// </summary>
internal sealed class OvsdbTopology : IAsyncDisposable
{
    private readonly CleanupStack _cleanup = new();
    private readonly List<OvsHypervisor> _hosts = [];
    private readonly List<Vm> _vms = [];

    private OvsdbTopology(string prefix) => Prefix = prefix;

    public string Prefix { get; }

    public IReadOnlyList<OvsHypervisor> Hosts
    {
        get
        {
            lock (_hosts)
            {
                return [.. _hosts];
            }
        }
    }

    public Underlay Underlay { get; private set; } = null!;

    public ControllerProcess Controller { get; private set; } = null!;

    public RestClient Rest => Controller.Rest;

    /// <param name="settings">Controller configuration (<c>--Key=Value</c>).</param>
    /// <param name="connect">Point every host at the controller (<see cref="ConnectAsync"/>) before returning.</param>
    /// <param name="underlayMtu">MTU of the underlay links.</param>
    public static async Task<OvsdbTopology> CreateAsync(int hostCount, IReadOnlyDictionary<string, string?>? settings = null, bool connect = true, string? prefix = null, int underlayMtu = Underlay.DefaultMtu)
    {
        var topology = new OvsdbTopology(prefix ?? TestPrefix.New());
        try
        {
            await topology.BuildAsync(hostCount, settings, connect, underlayMtu).ConfigureAwait(false);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The host's <c>external_ids:system-id</c> as <see cref="ConnectAsync"/> sets it.</summary>
    public string SystemId(OvsHypervisor host) => $"{Prefix}-hv{host.Index.ToString(CultureInfo.InvariantCulture)}";

    public string UnderlayIp(OvsHypervisor host) => Underlay.IpOf(host);

    /// <summary>
    /// The operator's whole job on a host: <c>ovs-vsctl set open . external_ids:system-id=.. external_ids:ofc-encap-ip=..</c>
    /// and <c>ovs-vsctl set-manager tcp:&lt;controller&gt;:6640</c>.
    /// </summary>
    public async Task ConnectAsync(OvsHypervisor host, bool encapIp = true)
    {
        await host.IdentifyAsync(SystemId(host), encapIp ? UnderlayIp(host) : null).ConfigureAwait(false);
        await host.SetManagerAsync(Controller.ManagerTarget).ConfigureAwait(false);
    }

    /// <summary>Starts hypervisor <paramref name="index"/>, puts it on the fabric and (optionally) connects it: a host joining.</summary>
    public async Task<OvsHypervisor> AddHostAsync(int index, bool connect = true)
    {
        var host = await StartHostAsync(index).ConfigureAwait(false);
        await Underlay.AddHostAsync(host).ConfigureAwait(false);
        await WarmUpAsync([host]).ConfigureAwait(false);
        if (connect)
        {
            await ConnectAsync(host).ConfigureAwait(false);
        }

        return host;
    }

    /// <summary>Decommissions a host: stops its daemons and removes its namespace (its VMs first).</summary>
    public async Task RemoveHostAsync(OvsHypervisor host)
    {
        List<Vm> vms;
        lock (_vms)
        {
            vms = [.. _vms.Where(v => v.Host == host)];
            _vms.RemoveAll(v => v.Host == host);
        }

        foreach (var vm in vms)
        {
            await vm.DisposeAsync().ConfigureAwait(false);
        }

        await host.DisposeAsync().ConfigureAwait(false);
        Underlay.RemoveHost(host);
        lock (_hosts)
        {
            _hosts.Remove(host);
        }
    }

    /// <summary>A VM plugged by iface-id only (see <see cref="Vm.CreateBoundAsync"/>).</summary>
    /// <param name="mtu">The MTU both ends of the VM's veth start with (the controller's mtu_request then sets the host end's).</param>
    public async Task<Vm> AddVmAsync(OvsHypervisor host, string name, string ipCidr, string ifaceId, string? mac = null, int mtu = Vm.Mtu)
    {
        var vm = await Vm.CreateBoundAsync(host, name, ipCidr, ifaceId, mac, mtu: mtu).ConfigureAwait(false);
        _cleanup.Push($"vm {vm.Namespace}", () => vm.DisposeAsync().AsTask());
        lock (_vms)
        {
            _vms.Add(vm);
        }

        return vm;
    }

    /// <summary>Every host's diagnostics plus its ovsdb-server log tail.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var parts = await Task.WhenAll(Hosts.Select(async h =>
        {
            var log = Path.Combine(h.Directory, "ovsdb-server.log");
            var tail = File.Exists(log)
                ? string.Join('\n', ReadShared(log).Where(l => !l.Contains("|jsonrpc|DBG|unix", StringComparison.Ordinal)).TakeLast(25))
                : "(no log)";
            return $"{await h.DiagnosticsAsync().ConfigureAwait(false)}=== {h.Namespace}: ovsdb-server.log (tail, without local clients)\n{tail}\n";
        })).ConfigureAwait(false);
        return string.Concat(parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && Hosts.Count > 0)
        {
            await TestContext.Out.WriteLineAsync(await DiagnosticsAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }

        await _cleanup.DisposeAsync().ConfigureAwait(false);
    }

    private static List<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private async Task<OvsHypervisor> StartHostAsync(int index)
    {
        var host = await OvsHypervisor.StartAsync(Prefix, index, HostPlumbing.Ovsdb).ConfigureAwait(false);
        _cleanup.Push($"host {host.Namespace}", () => host.DisposeAsync().AsTask());
        lock (_hosts)
        {
            _hosts.Add(host);
            _hosts.Sort((a, b) => a.Index.CompareTo(b.Index));
        }

        return host;
    }

    private async Task BuildAsync(int hostCount, IReadOnlyDictionary<string, string?>? settings, bool connect, int underlayMtu)
    {
        var started = await Task.WhenAll(Enumerable.Range(1, hostCount).Select(StartHostAsync)).ConfigureAwait(false);

        Underlay = await Underlay.ConnectAsync(Prefix, started, fabric: true, mtu: underlayMtu).ConfigureAwait(false);
        _cleanup.Push("underlay", () => Underlay.DisposeAsync().AsTask());

        Controller = await ControllerProcess.StartAsync(Prefix, Underlay, settings).ConfigureAwait(false);
        _cleanup.Push("controller", () => Controller.DisposeAsync().AsTask());

        await WarmUpAsync(started).ConfigureAwait(false);
        if (connect)
        {
            await Task.WhenAll(started.Select(h => ConnectAsync(h))).ConfigureAwait(false);
        }
    }

    /// <summary>Underlay pings among all hosts and from each new host to the controller (ARP resolved, paths warm).</summary>
    private async Task WarmUpAsync(IReadOnlyList<OvsHypervisor> newHosts)
    {
        await Underlay.WarmUpAsync().ConfigureAwait(false);
        await Task.WhenAll(newHosts.Select(h => Poll.UntilAsync(
            async () => (await h.ExecAsync(["ping", "-c", "1", "-W", "1", Controller.Ip], check: false).ConfigureAwait(false)).Succeeded,
            TimeSpan.FromSeconds(10),
            $"underlay ping {h.Namespace} -> controller {Controller.Ip}"))).ConfigureAwait(false);
    }
}
