namespace Integration.Tests.Harness;

/// <summary>
/// The usual test bed in one object: <c>hostCount</c> hypervisors on one underlay, a full mesh of flow-keyed
/// tunnels on br-tun named like Neutron (<c>vxlan-c0a84d02</c>), the underlay warmed up, and VMs added with
/// <see cref="AddVmAsync"/>. br-tun has no flows and no controller yet. Disposal removes VMs, underlay and hosts,
/// in that order, also after a failed test; on failure it first writes every host's diagnostics to the test output.
/// </summary>
internal sealed class OvsTopology : IAsyncDisposable
{
    private readonly CleanupStack _cleanup = new();
    private readonly List<OvsHypervisor> _hosts = [];
    private readonly List<Vm> _vms = [];
    private readonly Dictionary<(OvsHypervisor From, OvsHypervisor To), string> _tunnels = [];

    private OvsTopology(string prefix, TunnelType tunnelType)
    {
        Prefix = prefix;
        TunnelType = tunnelType;
    }

    public string Prefix { get; }

    public TunnelType TunnelType { get; }

    public IReadOnlyList<OvsHypervisor> Hosts => _hosts;

    public IReadOnlyList<Vm> Vms => _vms;

    public Underlay Underlay { get; private set; } = null!;

    public static async Task<OvsTopology> CreateAsync(int hostCount, TunnelType tunnelType = TunnelType.Vxlan, bool tunnels = true, string? prefix = null, bool ipv6Underlay = false, bool fabric = false)
    {
        var topology = new OvsTopology(prefix ?? TestPrefix.New(), tunnelType);
        try
        {
            await topology.BuildAsync(hostCount, tunnels, ipv6Underlay, fabric).ConfigureAwait(false);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Name of the tunnel port on <paramref name="from"/>'s br-tun that leads to <paramref name="to"/>.</summary>
    public string TunnelPort(OvsHypervisor from, OvsHypervisor to) => _tunnels[(from, to)];

    /// <summary>The tunnel port names on <paramref name="host"/>'s br-tun.</summary>
    public IReadOnlyList<string> TunnelPorts(OvsHypervisor host)
        => [.. _tunnels.Where(t => t.Key.From == host).Select(t => t.Value)];

    public async Task<Vm> AddVmAsync(OvsHypervisor host, string name, int vlanTag, string ipCidr)
    {
        var vm = await Vm.CreateAsync(host, name, vlanTag, ipCidr).ConfigureAwait(false);
        _cleanup.Push($"vm {vm.Namespace}", () => vm.DisposeAsync().AsTask());
        lock (_vms)
        {
            _vms.Add(vm);
        }

        return vm;
    }

    /// <summary>Every host's <see cref="OvsHypervisor.DiagnosticsAsync"/>, concatenated.</summary>
    public async Task<string> DiagnosticsAsync()
        => string.Concat(await Task.WhenAll(_hosts.Select(h => h.DiagnosticsAsync())).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && _hosts.Count > 0)
        {
            await TestContext.Out.WriteLineAsync(await DiagnosticsAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }

        await _cleanup.DisposeAsync().ConfigureAwait(false);
    }

    private async Task BuildAsync(int hostCount, bool tunnels, bool ipv6Underlay, bool fabric)
    {
        var started = await Task.WhenAll(
            Enumerable.Range(1, hostCount).Select(async i =>
            {
                var host = await OvsHypervisor.StartAsync(Prefix, i).ConfigureAwait(false);
                _cleanup.Push($"host {host.Namespace}", () => host.DisposeAsync().AsTask());
                return host;
            })).ConfigureAwait(false);
        _hosts.AddRange(started.OrderBy(h => h.Index));

        Underlay = await Underlay.ConnectAsync(Prefix, _hosts, fabric: fabric, ipv6: ipv6Underlay).ConfigureAwait(false);
        _cleanup.Push("underlay", () => Underlay.DisposeAsync().AsTask());

        if (tunnels)
        {
            foreach (var from in _hosts)
            {
                foreach (var to in _hosts.Where(h => h != from))
                {
                    var name = OvsHypervisor.TunnelPortName(TunnelType, Underlay.IpOf(to));
                    await from.AddTunnelPortAsync(name, TunnelType, Underlay.IpOf(to)).ConfigureAwait(false);
                    _tunnels[(from, to)] = name;
                }
            }
        }

        await Underlay.WarmUpAsync().ConfigureAwait(false);
    }
}
