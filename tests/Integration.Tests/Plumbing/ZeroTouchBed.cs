using Tests.Shared;
using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Integration.Tests.Overlay;

namespace Integration.Tests.Plumbing;

/// <summary>
/// Zero-touch hypervisors (issue 9): an <see cref="OvsdbTopology"/> whose hosts did nothing but set their system-id
/// and encap IP and <c>set-manager</c>, with the controller auto-registering them. Tenants, networks and ports go
/// over REST; a VM is plugged with <c>external_ids:iface-id=&lt;port id&gt;</c> only. Everything the tests check
/// about the hosts is read from OVS itself (<c>ovs-vsctl</c>, <c>ovs-ofctl</c>, pings), REST only for ids.
/// </summary>
internal sealed class ZeroTouchBed : IAsyncDisposable
{
    public static readonly TimeSpan Converge = TimeSpan.FromSeconds(45);

    private readonly Dictionary<string, string> _hostIds = [];
    private int _macCounter;

    private ZeroTouchBed(OvsdbTopology topology) => Topology = topology;

    public OvsdbTopology Topology { get; }

    public RestClient Rest => Topology.Rest;

    public ControllerProcess Controller => Topology.Controller;

    public IReadOnlyList<OvsHypervisor> Hosts => Topology.Hosts;

    /// <summary>Controller settings of the zero-touch beds: auto-registration on (the quickstart default).</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Ovsdb:AutoRegister"] = "true",
        ["Serilog:MinimumLevel:Default"] = "Information",
    };

    /// <param name="settings">Controller settings on top of <see cref="Settings"/>.</param>
    public static async Task<ZeroTouchBed> CreateAsync(int hostCount, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = settings is null ? Settings : Settings.Concat(settings).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var topology = await OvsdbTopology.CreateAsync(hostCount, merged).ConfigureAwait(false);
        var bed = new ZeroTouchBed(topology);
        try
        {
            foreach (var host in topology.Hosts)
            {
                await bed.WaitRegisteredAsync(host).ConfigureAwait(false);
            }

            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The store's id of the host, once the controller has registered it from its OVSDB connection.</summary>
    public string HostId(OvsHypervisor host) => _hostIds[Topology.SystemId(host)];

    /// <summary>Polls GET /hosts until a host with this host's system-id appears; returns its id.</summary>
    public async Task<string> WaitRegisteredAsync(OvsHypervisor host)
    {
        var systemId = Topology.SystemId(host);
        JsonNode? found = null;
        await Poll.UntilAsync(
            async () => (found = (await Rest.GetAsync("hosts").ConfigureAwait(false)).AsArray()
                .FirstOrDefault(h => h?["systemId"]?.GetValue<string>() == systemId)) is not null,
            Converge,
            $"host {systemId} auto-registered over OVSDB",
            TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        var id = found!["id"]!.GetValue<string>();
        _hostIds[systemId] = id;
        return id;
    }

    /// <summary>A joining host: started, on the fabric, set-manager; returns once the controller registered it.</summary>
    public async Task<OvsHypervisor> AddHostAsync(int index)
    {
        var host = await Topology.AddHostAsync(index).ConfigureAwait(false);
        await WaitRegisteredAsync(host).ConfigureAwait(false);
        return host;
    }

    public async Task<string> CreateNetworkAsync(string tenant, TunnelType tunnel, uint segmentId)
    {
        var tenantId = (await Rest.PostAsync("tenants", new { name = $"{tenant}-{Topology.Prefix}" }).ConfigureAwait(false))["id"]!.GetValue<string>();
        var network = await Rest.PostAsync("networks", new
        {
            tenantId,
            name = $"{tenant}-net",
            tunnelType = tunnel == TunnelType.Vxlan ? "vxlan" : "gre",
            segmentId,
            cidr = "10.0.0.0/24",
        }).ConfigureAwait(false);
        return network["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Declares a port over REST (a fresh MAC), then creates the VM and plugs it with iface-id = the port's id and
    /// attached-mac, no tag; waits until the controller has tagged it.
    /// </summary>
    public async Task<BoundVm> AddVmAsync(OvsHypervisor host, string name, string networkId, string ipCidr)
    {
        var n = Interlocked.Increment(ref _macCounter);
        var mac = string.Create(CultureInfo.InvariantCulture, $"02:e3:e0:{host.Index:x2}:{n >> 8:x2}:{n & 0xff:x2}");
        var port = await Rest.PostAsync("ports", new { networkId, hostId = HostId(host), mac, ip = ipCidr.Split('/')[0], name }).ConfigureAwait(false);
        var portId = port["id"]!.GetValue<string>();
        var vm = await Topology.AddVmAsync(host, name, ipCidr, ifaceId: portId, mac).ConfigureAwait(false);
        var tag = await vm.WaitForTagAsync(Converge, t => t is > 0 and < 4095).ConfigureAwait(false);
        return new BoundVm(vm, portId, networkId, tag);
    }

    /// <summary>Neutron's names of the tunnel ports <paramref name="host"/> should have: one per other host per type.</summary>
    public IReadOnlySet<string> ExpectedTunnels(OvsHypervisor host, IEnumerable<TunnelType> types)
        => (from t in types.Distinct()
            from other in Hosts
            where other != host
            select OvsHypervisor.TunnelPortName(t, Topology.UnderlayIp(other))).ToHashSet(StringComparer.Ordinal);

    /// <summary>The vxlan-/gre- ports on the host's br-tun.</summary>
    public static async Task<IReadOnlySet<string>> TunnelPortsAsync(OvsHypervisor host)
        => (await host.ListPortsAsync(OvsHypervisor.BrTun).ConfigureAwait(false))
            .Where(p => p.StartsWith("vxlan-", StringComparison.Ordinal) || p.StartsWith("gre-", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Polls until every host has br-int and br-tun joined by the patch ports and exactly the expected tunnel ports
    /// (each with its OpenFlow port number, i.e. created in the datapath).
    /// </summary>
    public Task WaitForMeshAsync(IEnumerable<TunnelType> types, TimeSpan? timeout = null)
    {
        var list = types.ToList();
        return Task.WhenAll(Hosts.Select(host =>
        {
            IReadOnlySet<string> last = new HashSet<string>();
            var expected = ExpectedTunnels(host, list);
            return Poll.UntilAsync(
                async () =>
                {
                    last = await TunnelPortsAsync(host).ConfigureAwait(false);
                    if (!last.SetEquals(expected) || !(await host.ListPortsAsync(OvsHypervisor.BrInt).ConfigureAwait(false)).Contains(OvsHypervisor.PatchTun))
                    {
                        return false;
                    }

                    var numbers = await host.PortNumbersAsync(OvsHypervisor.BrTun).ConfigureAwait(false);
                    return expected.All(numbers.ContainsKey) && numbers.ContainsKey(OvsHypervisor.PatchInt);
                },
                timeout ?? Converge,
                () => $"tunnel mesh on {host.Namespace}: want {string.Join(' ', expected.Order())}, have {string.Join(' ', last.Order())}",
                TimeSpan.FromMilliseconds(100));
        }));
    }

    /// <summary>Polls until the controller's br-tun flows on every host carry the segments (table 2 and 21).</summary>
    public Task WaitForSegmentsAsync(IReadOnlyDictionary<OvsHypervisor, uint[]> segmentsByHost)
        => Task.WhenAll(segmentsByHost.Select(kv => kv.Key.WaitForFlowsAsync(
            flows => kv.Value.All(s => OverlayFlows.HasSegment(flows, s) && OverlayFlows.Flood(flows, s) is not null),
            Converge,
            what: $"br-tun flows of segments {string.Join(',', kv.Value)} on {kv.Key.Namespace}")));

    /// <summary>Every row uuid of Bridge, Port and Interface with its name, for "nothing else changed" checks.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RowIdsAsync(OvsHypervisor host)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in new[] { "bridge", "port", "interface" })
        {
            var result = await host.VsctlAsync("--format=csv", "--no-headings", "--columns=name,_uuid", "list", table).ConfigureAwait(false);
            foreach (var line in result.StdoutLines)
            {
                var parts = line.Split(',');
                rows[$"{table}:{parts[0].Trim('"')}"] = parts[1];
            }
        }

        return rows;
    }

    /// <summary>Starts flow monitors on br-int and br-tun of every host (FLOW_MOD counting).</summary>
    public async Task<IReadOnlyList<(OvsHypervisor Host, string Bridge, FlowMonitor Monitor)>> StartFlowMonitorsAsync()
    {
        var monitors = new List<(OvsHypervisor, string, FlowMonitor)>();
        foreach (var host in Hosts)
        {
            foreach (var bridge in new[] { OvsHypervisor.BrInt, OvsHypervisor.BrTun })
            {
                monitors.Add((host, bridge, await host.StartFlowMonitorAsync(bridge).ConfigureAwait(false)));
            }
        }

        return monitors;
    }

    /// <summary>Flow table events that a controller sent (learned entries, the switch's own, left out).</summary>
    public static IReadOnlyList<string> ControllerEvents(FlowMonitor monitor)
    {
        var learned = "cookie=0x" + OverlayFlows.LearnedCookie.ToString("x", CultureInfo.InvariantCulture);
        return [.. monitor.Events.Where(e => !e.Contains(learned, StringComparison.Ordinal))];
    }

    /// <summary>Each host's count of transactions received from a manager (ovsdb-server's own log).</summary>
    public IReadOnlyDictionary<OvsHypervisor, int> TransactionCounts()
        => Hosts.ToDictionary(h => h, h => h.RemoteTransactionCount());

    /// <summary>Waits until every host's br-int and br-tun are connected to the controller (its REST view).</summary>
    /// <param name="since">Only connections made since then count ...</param>
    /// <param name="restarted">... on these hosts (all when null); the others' connections may be older.</param>
    public async Task WaitSwitchesConnectedAsync(DateTimeOffset? since = null, TimeSpan? timeout = null, IReadOnlyCollection<OvsHypervisor>? restarted = null)
    {
        var expected = new List<(string Dpid, bool Fresh)>();
        foreach (var host in Hosts)
        {
            var fresh = since is not null && (restarted is null || restarted.Contains(host));
            expected.Add((await host.DatapathIdAsync(OvsHypervisor.BrInt).ConfigureAwait(false), fresh));
            expected.Add((await host.DatapathIdAsync(OvsHypervisor.BrTun).ConfigureAwait(false), fresh));
        }

        await Poll.UntilAsync(
            async () =>
            {
                var switches = (await Rest.GetAsync("switches").ConfigureAwait(false)).AsArray();
                return expected.All(e => switches.Any(s =>
                    string.Equals(s!["datapathId"]!.GetValue<string>(), e.Dpid, StringComparison.OrdinalIgnoreCase)
                    && (!e.Fresh || s["connectedSince"]!.GetValue<DateTimeOffset>() >= since)));
            },
            timeout ?? Converge,
            $"switches {string.Join(", ", expected.Select(e => e.Dpid))} connected",
            TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
    }

    /// <summary>Waits until the controller reports each switch's reconcile done after <paramref name="since"/>.</summary>
    public async Task WaitReconciledAsync(DateTimeOffset since, TimeSpan? timeout = null)
    {
        var dpids = new List<string>();
        foreach (var host in Hosts)
        {
            dpids.Add(await host.DatapathIdAsync(OvsHypervisor.BrTun).ConfigureAwait(false));
        }

        await Poll.UntilAsync(
            async () =>
            {
                foreach (var d in dpids)
                {
                    var flows = await Rest.TryGetAsync($"switches/{d.ToLowerInvariant()}/flows").ConfigureAwait(false);
                    if (flows?["lastReconcile"]?["at"] is not { } at || at.GetValue<DateTimeOffset>() < since)
                    {
                        return false;
                    }
                }

                return true;
            },
            timeout ?? Converge,
            "every br-tun reconciled after the restart",
            TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the controller shows every host's OVSDB connection as up (since <paramref name="since"/> when
    /// given), reading the host's <c>ovsdb</c> object in GET /hosts/{id}.
    /// </summary>
    /// <param name="inSync">Also wait until the controller reports the host's last reconcile found nothing to change.</param>
    public Task WaitOvsdbConnectedAsync(DateTimeOffset? since = null, TimeSpan? timeout = null, bool inSync = true)
        => Task.WhenAll(Hosts.Select(host =>
        {
            JsonNode? last = null;
            return Poll.UntilAsync(
                async () => (last = await Rest.TryGetAsync($"hosts/{HostId(host)}").ConfigureAwait(false)) is { } h
                    && IsConnected(h["ovsdb"], since)
                    && (!inSync || h["ovsdb"]?["inSync"]?.GetValue<bool>() == true),
                timeout ?? Converge,
                $"the controller's OVSDB connection to {host.Namespace}{(inSync ? " in sync" : string.Empty)}; last: {last?["ovsdb"]?.ToJsonString()}",
                TimeSpan.FromMilliseconds(100));
        }));

    /// <summary>The controller's own count of OVSDB transactions it sent (all hosts, since its start).</summary>
    public Task<double> ControllerTransactionsAsync() => Rest.MetricAsync("ofcontroller_ovsdb_transactions_total");

    public ValueTask DisposeAsync() => Topology.DisposeAsync();

    private static bool IsConnected(JsonNode? ovsdb, DateTimeOffset? since)
    {
        if (ovsdb is not JsonObject o)
        {
            return false;
        }

        var connected = o["connected"]?.GetValue<bool>() ?? o["connectedSince"] is not null;
        if (!connected)
        {
            return false;
        }

        return since is null || (o["connectedSince"] is { } cs && cs.GetValue<DateTimeOffset>() >= since);
    }
}

/// <summary>A VM of a <see cref="ZeroTouchBed"/>: the harness VM, its REST port and the tag the controller gave it.</summary>
internal sealed record BoundVm(Vm Vm, string PortId, string NetworkId, int Tag)
{
    public string Ip => Vm.Ip;

    public OvsHypervisor Host => Vm.Host;

    public Task<int> PingAsync(string ip, int count = 3) => Vm.PingAsync(ip, count);
}
