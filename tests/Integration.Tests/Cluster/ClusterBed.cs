using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Integration.Tests.Plumbing;
using Tests.Shared;

namespace Integration.Tests.Cluster;

/// <summary>
/// Three controller processes (each in its own namespace on the hosts' fabric, <c>.254</c>, <c>.253</c>,
/// <c>.252</c>) in one cluster on a real 3-member etcd that holds both their leases and their shared store
/// (<c>Store:Backend=etcd</c>; etcd runs on the root namespace's loopback, reached from each controller's namespace
/// through socat relays on the same port numbers). The hosts are zero-touch: each did only
/// <c>set-manager tcp:c1:6640 tcp:c2:6640 tcp:c3:6640</c> (plus its system-id and encap IP), and the controllers
/// plumb them over OVSDB, one writer per host, with every controller as the bridges' OpenFlow controllers
/// (<c>Plumbing:ControllerTargets</c>). The overlay is provisioned over REST on different members (tenant on c1,
/// network on c2, hosts on c3, ports alternately on c1 and c2); VMs are bound by <c>iface-id</c>.
/// </summary>
internal sealed class ClusterBed : IAsyncDisposable
{
    private readonly CleanupStack _cleanup = new();
    private readonly List<OvsHypervisor> _hosts = [];

    private ClusterBed(EtcdCluster etcd, string prefix)
    {
        Etcd = etcd;
        Prefix = prefix;
    }

    public EtcdCluster Etcd { get; }

    public string Prefix { get; }

    public IReadOnlyList<OvsHypervisor> Hosts => _hosts;

    public Underlay Underlay { get; private set; } = null!;

    public List<ControllerProcess> Controllers { get; } = [];

    /// <summary>Each host's br-tun datapath id (created by the controllers).</summary>
    public Dictionary<OvsHypervisor, ulong> DatapathIds { get; } = [];

    /// <summary>Each host's br-int datapath id (also mastered by one member).</summary>
    public Dictionary<OvsHypervisor, ulong> IntegrationDatapathIds { get; } = [];

    /// <summary>The store's id of each host.</summary>
    public Dictionary<OvsHypervisor, string> HostIds { get; } = [];

    public List<Vm> Vms { get; } = [];

    public string NetworkId { get; private set; } = string.Empty;

    public static string MemberId(int i) => $"c{i + 1}";

    public static async Task<ClusterBed> CreateAsync(int hosts = 2, TimeSpan? leaseTtl = null)
    {
        EtcdCluster.RequireEtcd();
        OvsPreconditions.RequireRootAndOvs("socat");
        var etcd = await EtcdCluster.StartAsync(3).ConfigureAwait(false);
        var bed = new ClusterBed(etcd, TestPrefix.New());
        try
        {
            await bed.BuildAsync(hosts, leaseTtl ?? TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string SystemId(OvsHypervisor host) => $"{Prefix}-hv{host.Index.ToString(CultureInfo.InvariantCulture)}";

    private async Task BuildAsync(int hostCount, TimeSpan leaseTtl)
    {
        foreach (var i in Enumerable.Range(1, hostCount))
        {
            var host = await OvsHypervisor.StartAsync(Prefix, i, HostPlumbing.Ovsdb).ConfigureAwait(false);
            _cleanup.Push($"host {host.Namespace}", () => host.DisposeAsync().AsTask());
            _hosts.Add(host);
        }

        Underlay = await Underlay.ConnectAsync(Prefix, _hosts, fabric: true).ConfigureAwait(false);
        _cleanup.Push("underlay", () => Underlay.DisposeAsync().AsTask());

        var ips = Enumerable.Range(0, 3).Select(i => $"192.168.{Underlay.Subnet}.{ControllerProcess.FabricOctet - i}").ToList();
        for (var i = 0; i < 3; i++)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Cluster:Enabled"] = "true",
                ["Cluster:MemberId"] = MemberId(i),
                ["Cluster:Etcd:Endpoints"] = Etcd.EndpointsCsv,
                ["Cluster:Etcd:Prefix"] = $"/ofc-test-{Prefix}/cluster",
                ["Cluster:LeaseTtl"] = leaseTtl.ToString("c", CultureInfo.InvariantCulture),
                ["Cluster:Advertise"] = MemberId(i),
                ["Store:Backend"] = "etcd",
                ["Store:Etcd:Endpoints"] = Etcd.EndpointsCsv,
                ["Store:Etcd:Prefix"] = $"/ofc-test-{Prefix}/store",
                ["Store:Etcd:RequestTimeoutMs"] = "2000",
                ["Store:Etcd:ProbeIntervalMs"] = "200",
                ["Ovsdb:AutoRegister"] = "false",
                ["Plumbing:DatapathType"] = "netdev",
            };
            for (var t = 0; t < ips.Count; t++)
            {
                settings[$"Plumbing:ControllerTargets:{t}"] = $"tcp:{ips[t]}:{ControllerProcess.OpenFlowPort}";
            }

            var controller = await ControllerProcess.StartAsync(Prefix, Underlay, settings, ControllerProcess.FabricOctet - i, RelayEtcdAsync).ConfigureAwait(false);
            Controllers.Add(controller);
            Assert.That(controller.Ip, Is.EqualTo(ips[i]));
        }

        await Underlay.WarmUpAsync().ConfigureAwait(false);
        foreach (var host in _hosts)
        {
            foreach (var c in Controllers)
            {
                await Poll.UntilAsync(
                    async () => (await host.ExecAsync(["ping", "-c", "1", "-W", "1", c.Ip], check: false).ConfigureAwait(false)).Succeeded,
                    TimeSpan.FromSeconds(10),
                    $"underlay ping {host.Namespace} -> {c.Ip}").ConfigureAwait(false);
            }
        }

        // Provisioning spread over the members of the one shared store.
        var (c1, c2, c3) = (Controllers[0], Controllers[1], Controllers[2]);
        var tenant = Id(await c1.Rest.PostAsync("tenants", new { name = "red" }).ConfigureAwait(false));
        await WaitEverywhereAsync($"tenants/{tenant}").ConfigureAwait(false);
        NetworkId = Id(await c2.Rest.PostAsync("networks", new { tenantId = tenant, name = "web", tunnelType = "vxlan", segmentId = 100, cidr = "10.0.0.0/24" }).ConfigureAwait(false));
        await WaitEverywhereAsync($"networks/{NetworkId}").ConfigureAwait(false);
        foreach (var host in _hosts)
        {
            HostIds[host] = Id(await c3.Rest.PostAsync("hosts", new { name = $"hv{host.Index}", systemId = SystemId(host), tunnelIp = Underlay.IpOf(host) }).ConfigureAwait(false));
        }

        var ports = new List<(OvsHypervisor Host, string PortId, string Mac, string Ip)>();
        foreach (var host in _hosts)
        {
            await WaitEverywhereAsync($"hosts/{HostIds[host]}").ConfigureAwait(false);
            var via = host.Index % 2 == 1 ? c1 : c2;
            var mac = string.Create(CultureInfo.InvariantCulture, $"02:c1:00:00:00:{host.Index:x2}");
            var ip = $"10.0.0.{host.Index}";
            var port = await via.Rest.PostAsync("ports", new { networkId = NetworkId, hostId = HostIds[host], mac, ip, name = $"vm{host.Index}" }).ConfigureAwait(false);
            ports.Add((host, Id(port), mac, ip));
        }

        foreach (var (_, portId, _, _) in ports)
        {
            await WaitEverywhereAsync($"ports/{portId}").ConfigureAwait(false);
        }

        // Each host's operator: system-id, encap IP and every controller as a manager.
        foreach (var host in _hosts)
        {
            await host.IdentifyAsync(SystemId(host), Underlay.IpOf(host)).ConfigureAwait(false);
            await host.VsctlAsync(["set-manager", .. Controllers.Select(c => c.ManagerTarget)]).ConfigureAwait(false);
        }

        await WaitForMeshAsync(ZeroTouchBed.Converge).ConfigureAwait(false);
        foreach (var (host, portId, mac, ip) in ports)
        {
            var vm = await Vm.CreateBoundAsync(host, $"vm{host.Index}", $"{ip}/24", portId, mac).ConfigureAwait(false);
            _cleanup.Push($"vm {vm.Namespace}", () => vm.DisposeAsync().AsTask());
            await vm.WaitForTagAsync(ZeroTouchBed.Converge, t => t is > 0 and < 4095).ConfigureAwait(false);
            Vms.Add(vm);
        }

        foreach (var host in _hosts)
        {
            DatapathIds[host] = await DatapathIdAsync(host, OvsHypervisor.BrTun).ConfigureAwait(false);
            IntegrationDatapathIds[host] = await DatapathIdAsync(host, OvsHypervisor.BrInt).ConfigureAwait(false);
        }

        await Underlay.WarmUpAsync().ConfigureAwait(false);
    }

    /// <summary>Every member's store has the object (REST reads are local: this is the watch catching up; a member whose watch stream
    /// broke with the quorum gets it back by the head probe, which reloads after four probes behind: 20 s was too short at load 26).</summary>
    public async Task WaitEverywhereAsync(string path, IReadOnlyList<ControllerProcess>? live = null)
    {
        foreach (var c in live ?? Controllers)
        {
            try
            {
                await Poll.UntilAsync(async () => await c.Rest.TryGetAsync(path).ConfigureAwait(false) is not null, TimeSpan.FromSeconds(40), $"{c.Namespace} to see {path}").ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                // The test's own dispose cannot tell yet that it failed: name what the member's store did here.
                throw new TimeoutException($"{ex.Message}\n=== {c.Namespace} store and etcd log lines\n{string.Join('\n', c.LogTail(2000).Split('\n').Where(l => l.Contains("etcd", StringComparison.OrdinalIgnoreCase) || l.Contains("store", StringComparison.OrdinalIgnoreCase) || l.Contains("watch", StringComparison.OrdinalIgnoreCase)).TakeLast(60))}", ex);
            }
        }
    }

    /// <summary>Every host has br-int, br-tun, the patch ports and exactly one tunnel port per other host, each in the datapath.</summary>
    public Task WaitForMeshAsync(TimeSpan timeout) => Task.WhenAll(_hosts.Select(host =>
    {
        var expected = _hosts.Where(o => o != host).Select(o => OvsHypervisor.TunnelPortName(TunnelType.Vxlan, Underlay.IpOf(o))).ToHashSet(StringComparer.Ordinal);
        return Poll.UntilAsync(
            async () =>
            {
                if (!(await host.ListPortsAsync(OvsHypervisor.BrTun).ConfigureAwait(false)).Contains(OvsHypervisor.PatchInt)
                    || !(await host.ListPortsAsync(OvsHypervisor.BrInt).ConfigureAwait(false)).Contains(OvsHypervisor.PatchTun)
                    || !(await ZeroTouchBed.TunnelPortsAsync(host).ConfigureAwait(false)).SetEquals(expected))
                {
                    return false;
                }

                var numbers = await host.PortNumbersAsync(OvsHypervisor.BrTun).ConfigureAwait(false);
                return expected.All(numbers.ContainsKey) && numbers.ContainsKey(OvsHypervisor.PatchInt);
            },
            timeout,
            $"{host.Namespace}: br-tun with tunnels to {string.Join(", ", expected)}");
    }));

    private static async Task<ulong> DatapathIdAsync(OvsHypervisor host, string bridge)
    {
        var text = (await host.VsctlAsync("get", "bridge", bridge, "datapath_id").ConfigureAwait(false)).Stdout.Trim().Trim('"');
        return ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>Every etcd member's client port, inside the controller's namespace, relayed to the root namespace's loopback.</summary>
    private async Task RelayEtcdAsync(ControllerProcess controller)
    {
        for (var m = 0; m < Etcd.Count; m++)
        {
            var port = new Uri(Etcd.ClientEndpoint(m)).Port.ToString(CultureInfo.InvariantCulture);
            var socket = Path.Combine(controller.Directory, $"etcd{m}.sock");
            var outside = BackgroundProcess.Start(["socat", $"UNIX-LISTEN:{socket},fork,unlink-early", $"TCP:127.0.0.1:{port}"]);
            controller.OnDispose($"etcd relay {socket}", () => outside.DisposeAsync().AsTask());
            await Poll.UntilAsync(() => File.Exists(socket), TimeSpan.FromSeconds(10), $"relay socket {socket}").ConfigureAwait(false);
            var inside = BackgroundProcess.Start(["ip", "netns", "exec", controller.Namespace, "socat", $"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr", $"UNIX-CONNECT:{socket}"]);
            controller.OnDispose($"etcd relay in {controller.Namespace}:{port}", () => inside.DisposeAsync().AsTask());
        }
    }

    /// <summary>The member that masters <paramref name="dpid"/> according to <paramref name="asked"/>'s GET /api/v1/cluster.</summary>
    public static Task<(string? Master, ulong Generation)> MasterOfAsync(ControllerProcess asked, ulong dpid) =>
        OwnerAsync(asked, "switches", dpid.ToString("x16", CultureInfo.InvariantCulture));

    /// <summary>The member that writes the host's OVSDB according to <paramref name="asked"/>'s GET /api/v1/cluster.</summary>
    public Task<(string? Master, ulong Generation)> WriterOfAsync(ControllerProcess asked, OvsHypervisor host) =>
        OwnerAsync(asked, "hosts", SystemId(host));

    private static async Task<(string? Master, ulong Generation)> OwnerAsync(ControllerProcess asked, string kind, string id)
    {
        var view = await asked.Rest.GetAsync("cluster").ConfigureAwait(false);
        foreach (var s in view[kind]!.AsArray())
        {
            if (s!["id"]!.GetValue<string>() == id)
            {
                return (s["master"]!.GetValue<string>(), s["generationId"]!.GetValue<ulong>());
            }
        }

        return (null, 0);
    }

    /// <summary>
    /// Polls (every 20 ms) until <paramref name="ownerNow"/> names another owner than <paramref name="previous"/> and
    /// <paramref name="done"/> holds for it; returns the new owner and its generation.
    /// </summary>
    public static async Task<(string Owner, ulong Generation)> TakeoverAsync(
        string previous, Func<Task<(string? Owner, ulong Generation)>> ownerNow, Func<string, ulong, Task<bool>> done, TimeSpan timeout, string what)
    {
        (string? Owner, ulong Generation) seen = (null, 0);
        await Poll.UntilAsync(
            async () => (seen = await ownerNow().ConfigureAwait(false)).Owner is { } next && next != previous && await done(next, seen.Generation).ConfigureAwait(false),
            timeout,
            what,
            TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        return (seen.Owner!, seen.Generation);
    }

    /// <summary>SIGSTOPs <paramref name="paused"/> and runs <paramref name="meanwhile"/>; it is continued at once if that fails (else the caller continues it).</summary>
    public static async Task WhilePausedAsync(ControllerProcess paused, Func<Task> meanwhile)
    {
        await paused.PauseAsync().ConfigureAwait(false);
        try
        {
            await meanwhile().ConfigureAwait(false);
        }
        catch
        {
            await paused.ResumeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>For <see cref="TakeoverAsync"/>: the new master's session with the switch is master.</summary>
    public Func<string, ulong, Task<bool>> SessionIsMaster(ulong dpid) => async (next, _) => await RoleAtAsync(ByMember(next), dpid).ConfigureAwait(false) == "master";

    /// <summary>For <see cref="TakeoverAsync"/>: the new writer's token is committed on the host.</summary>
    public static Func<string, ulong, Task<bool>> TokenCommittedOn(OvsHypervisor host) => async (_, generation) =>
        (await TokenOnAsync(host).ConfigureAwait(false))?.StartsWith($"{generation.ToString(CultureInfo.InvariantCulture)}@", StringComparison.Ordinal) == true;

    /// <summary>The writer token on the host's Open_vSwitch row (<c>external_ids:ofc-writer</c>), or null.</summary>
    public static async Task<string?> TokenOnAsync(OvsHypervisor host)
    {
        var r = await host.VsctlAsync("--if-exists", "get", "Open_vSwitch", ".", "external_ids:ofc-writer").ConfigureAwait(false);
        var text = r.Stdout.Trim().Trim('"');
        return text.Length == 0 ? null : text;
    }

    /// <summary>The role <paramref name="c"/>'s session with the switch has (GET /api/v1/switches/{dpid}), or null.</summary>
    public static async Task<string?> RoleAtAsync(ControllerProcess c, ulong dpid)
    {
        var sw = await c.Rest.TryGetAsync($"switches/{dpid.ToString("x16", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        return sw?["role"]?.GetValue<string>();
    }

    public static async Task<string?> ReconcilerStateAsync(ControllerProcess c, ulong dpid)
    {
        var flows = await c.Rest.TryGetAsync($"switches/{dpid.ToString("x16", CultureInfo.InvariantCulture)}/flows").ConfigureAwait(false);
        return flows?["state"]?.GetValue<string>();
    }

    /// <summary>
    /// Every switch (br-tun and br-int of every host) has a live master whose session role is master and whose
    /// reconciler is in sync, and is slave at the other live members; every host is written by one live member,
    /// in sync, and carries that writer's token.
    /// </summary>
    public async Task WaitConvergedAsync(IReadOnlyList<ControllerProcess> live, TimeSpan timeout)
    {
        await Poll.UntilAsync(
            async () =>
            {
                foreach (var dpid in DatapathIds.Values.Concat(IntegrationDatapathIds.Values))
                {
                    var (master, _) = await MasterOfAsync(live[0], dpid).ConfigureAwait(false);
                    if (master is null || live.FirstOrDefault(c => MemberOf(c) == master) is not { } m)
                    {
                        return false;
                    }

                    if (await RoleAtAsync(m, dpid).ConfigureAwait(false) != "master" || await ReconcilerStateAsync(m, dpid).ConfigureAwait(false) != "in_sync")
                    {
                        return false;
                    }

                    foreach (var other in live.Where(c => c != m))
                    {
                        if (await RoleAtAsync(other, dpid).ConfigureAwait(false) != "slave")
                        {
                            return false;
                        }
                    }
                }

                foreach (var host in _hosts)
                {
                    if (!await HostWrittenByOneOfAsync(live, host).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                return true;
            },
            timeout,
            "every switch mastered by one live member (in sync), slave at the others; every host written by one live member, in sync, with its token").ConfigureAwait(false);
    }

    private async Task<bool> HostWrittenByOneOfAsync(IReadOnlyList<ControllerProcess> live, OvsHypervisor host)
    {
        var (writer, generation) = await WriterOfAsync(live[0], host).ConfigureAwait(false);
        if (writer is null || live.FirstOrDefault(c => MemberOf(c) == writer) is not { } w)
        {
            return false;
        }

        var status = (await w.Rest.GetAsync($"hosts/{HostIds[host]}").ConfigureAwait(false))["ovsdb"];
        var token = await TokenOnAsync(host).ConfigureAwait(false);
        return status?["writerIsSelf"]?.GetValue<bool>() == true && status["inSync"]?.GetValue<bool>() == true
            && token is not null && token.StartsWith($"{generation.ToString(CultureInfo.InvariantCulture)}@", StringComparison.Ordinal);
    }

    public string MemberOf(ControllerProcess c) => MemberId(Controllers.IndexOf(c));

    public ControllerProcess ByMember(string member) => Controllers[int.Parse(member[1..], CultureInfo.InvariantCulture) - 1];

    /// <summary>Every host's diagnostics plus its ovsdb-server log tail (manager traffic only).</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var parts = await Task.WhenAll(_hosts.Select(h => h.DiagnosticsAsync())).ConfigureAwait(false);
        return string.Concat(parts);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && _hosts.Count > 0)
            {
                await TestContext.Out.WriteLineAsync(await DiagnosticsAsync().ConfigureAwait(false)).ConfigureAwait(false);
            }

            foreach (var c in Controllers)
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }

            await _cleanup.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Etcd.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();
}
