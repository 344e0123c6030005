using System.Globalization;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// The controller in-process and <c>hostCount</c> real OVS hypervisors (the harness's <see cref="OvsTopology"/>),
/// provisioned only through REST: each host is declared with the datapath id its br-tun reports and its underlay
/// address, then its br-tun is pointed at the controller. VMs are declared first (MAC, IP, network, host) and
/// plugged into br-int with the VLAN the answer names. Disposal removes the topology and the controller.
/// </summary>
internal sealed class OverlayBed : IAsyncDisposable
{
    private readonly Dictionary<OvsHypervisor, string> _hostIds = [];
    private readonly Dictionary<OvsHypervisor, ulong> _dpids = [];
    private int _macCounter;

    private OverlayBed(OverlayController controller, OvsTopology topology)
    {
        Controller = controller;
        Topology = topology;
    }

    public OverlayController Controller { get; }

    public OvsTopology Topology { get; }

    public IReadOnlyList<OvsHypervisor> Hosts => Topology.Hosts;

    public TunnelType TunnelType => Topology.TunnelType;

    public IEnumerable<ulong> DatapathIds => _dpids.Values;

    public static async Task<OverlayBed> CreateAsync(int hostCount, TunnelType tunnelType, IReadOnlyDictionary<string, string?>? settings = null, bool ipv6Underlay = false)
    {
        var controller = await OverlayController.StartAsync(settings).ConfigureAwait(false);
        OvsTopology? topology = null;
        try
        {
            topology = await OvsTopology.CreateAsync(hostCount, tunnelType, ipv6Underlay: ipv6Underlay).ConfigureAwait(false);
            var bed = new OverlayBed(controller, topology);
            foreach (var host in topology.Hosts)
            {
                var dpid = await DatapathIdAsync(host).ConfigureAwait(false);
                bed._dpids[host] = ulong.Parse(dpid, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                bed._hostIds[host] = await controller.CreateHostAsync($"hv{host.Index}", dpid, topology.Underlay.IpOf(host)).ConfigureAwait(false);
            }

            await Task.WhenAll(topology.Hosts.Select(h => h.SetControllerAsync(controller.OpenFlowPort))).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            if (topology is not null)
            {
                await topology.DisposeAsync().ConfigureAwait(false);
            }

            await controller.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What an operator does: <c>ovs-vsctl get bridge br-tun datapath_id</c>.</summary>
    public static async Task<string> DatapathIdAsync(OvsHypervisor host)
    {
        var result = await host.VsctlAsync("get", "bridge", OvsHypervisor.BrTun, "datapath_id").ConfigureAwait(false);
        return result.Stdout.Trim().Trim('"');
    }

    public string HostId(OvsHypervisor host) => _hostIds[host];


    public ulong DatapathId(OvsHypervisor host) => _dpids[host];

    /// <summary>A tenant with one network of this bed's tunnel type; returns the network id.</summary>
    public async Task<string> CreateTenantNetworkAsync(string tenant, uint segmentId)
    {
        var tenantId = await Controller.CreateTenantAsync($"{tenant}-{Topology.Prefix}").ConfigureAwait(false);
        return await Controller.CreateNetworkAsync(tenantId, $"{tenant}-net", TunnelType, segmentId).ConfigureAwait(false);
    }

    /// <summary>
    /// Declares a port over REST (a fresh locally administered MAC), then creates the VM plugged into br-int with
    /// the VLAN from the answer and gives its eth0 that MAC.
    /// </summary>
    /// <param name="ipv6Cidr">Also an IPv6 address for the port (and eth0, IPv6 turned on), e.g. <c>fd00:a::1/64</c>.</param>
    public async Task<TenantVm> AddVmAsync(OvsHypervisor host, string name, string networkId, string ipCidr, string? ipv6Cidr = null)
    {
        var n = Interlocked.Increment(ref _macCounter);
        var mac = string.Create(CultureInfo.InvariantCulture, $"02:e2:e0:{host.Index:x2}:{n >> 8:x2}:{n & 0xff:x2}");
        var (portId, vlan) = await Controller.CreatePortAsync(networkId, HostId(host), mac, ipCidr.Split('/')[0], name, ipv6Cidr?.Split('/')[0]).ConfigureAwait(false);
        var vm = await Topology.AddVmAsync(host, name, vlan, ipCidr).ConfigureAwait(false);
        await vm.ExecAsync(["ip", "link", "set", "dev", "eth0", "address", mac]).ConfigureAwait(false);
        if (ipv6Cidr is not null)
        {
            await vm.EnableIpv6Async(ipv6Cidr).ConfigureAwait(false);
        }

        return new TenantVm(vm, portId, networkId, vlan, mac);
    }

    public Task WaitInSyncAsync(TimeSpan? timeout = null) => Controller.WaitInSyncAsync(DatapathIds, timeout);

    /// <summary>
    /// Stops the controller first: its connections close, so the relays' per-connection socat children exit
    /// before the topology stops the relays, namespaces and daemons.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Controller.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Topology.DisposeAsync().ConfigureAwait(false);
        }
    }
}
