using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Tests.Shared;

namespace Integration.Tests.Cluster;

/// <summary>
/// Three controller processes (each in its own namespace on the hosts' fabric, <c>.254</c>, <c>.253</c>,
/// <c>.252</c>) in one cluster on a real 3-member etcd (loopback of the root namespace, reached from each
/// controller's namespace through socat relays on the same port numbers), and OVS hosts whose br-tun has
/// <c>set-controller br-tun tcp:c1:6653 tcp:c2:6653 tcp:c3:6653</c>. Until the etcd store lands, each
/// controller keeps its own LiteDB store, provisioned identically over REST (same requests, same order,
/// so the same segment ids and local VLANs); the cluster shares only membership and mastership.
/// </summary>
internal sealed class ClusterBed : IAsyncDisposable
{
    private readonly CleanupStack _cleanup = new();
    private readonly Dictionary<OvsHypervisor, string> _hostIds = [];

    private ClusterBed(EtcdCluster etcd, OvsTopology topology)
    {
        Etcd = etcd;
        Topology = topology;
    }

    public EtcdCluster Etcd { get; }

    public OvsTopology Topology { get; }

    public List<ControllerProcess> Controllers { get; } = [];

    public Dictionary<OvsHypervisor, ulong> DatapathIds { get; } = [];

    public List<Vm> Vms { get; } = [];

    public static string MemberId(int i) => $"c{i + 1}";

    public static async Task<ClusterBed> CreateAsync(int hosts = 2, TimeSpan? leaseTtl = null)
    {
        EtcdCluster.RequireEtcd();
        OvsPreconditions.RequireRootAndOvs("socat");
        var etcd = await EtcdCluster.StartAsync(3).ConfigureAwait(false);
        OvsTopology? topology = null;
        try
        {
            topology = await OvsTopology.CreateAsync(hosts, TunnelType.Vxlan, fabric: true).ConfigureAwait(false);
            var bed = new ClusterBed(etcd, topology);
            try
            {
                await bed.BuildAsync(leaseTtl ?? TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                return bed;
            }
            catch
            {
                await bed.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            if (topology is not null && !etcd.IsRunning(0))
            {
                await topology.DisposeAsync().ConfigureAwait(false);
            }

            await etcd.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task BuildAsync(TimeSpan leaseTtl)
    {
        var prefix = Topology.Prefix;
        for (var i = 0; i < 3; i++)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Cluster:Enabled"] = "true",
                ["Cluster:MemberId"] = MemberId(i),
                ["Cluster:Etcd:Endpoints"] = Etcd.EndpointsCsv,
                ["Cluster:Etcd:Prefix"] = $"/ofc-test-{prefix}",
                ["Cluster:LeaseTtl"] = leaseTtl.ToString("c", CultureInfo.InvariantCulture),
                ["Cluster:Advertise"] = MemberId(i),
                ["Ovsdb:AutoRegister"] = "false",
            };
            var controller = await ControllerProcess.StartAsync(prefix, Topology.Underlay, settings, ControllerProcess.FabricOctet - i, RelayEtcdAsync).ConfigureAwait(false);
            Controllers.Add(controller);
        }

        // The same provisioning on every member, in the same order.
        var ports = new List<(OvsHypervisor Host, string Mac, string Ip, int Vlan)>();
        foreach (var c in Controllers)
        {
            var tenant = Id(await c.Rest.PostAsync("tenants", new { name = "red" }).ConfigureAwait(false));
            var network = Id(await c.Rest.PostAsync("networks", new { tenantId = tenant, name = "web", tunnelType = "vxlan", segmentId = 100 }).ConfigureAwait(false));
            var vlans = new List<int>();
            foreach (var host in Topology.Hosts)
            {
                var dpid = (await host.VsctlAsync("get", "bridge", OvsHypervisor.BrTun, "datapath_id").ConfigureAwait(false)).Stdout.Trim().Trim('"');
                DatapathIds[host] = ulong.Parse(dpid, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var hostId = Id(await c.Rest.PostAsync("hosts", new { name = $"hv{host.Index}", datapathId = dpid, tunnelIp = Topology.Underlay.IpOf(host) }).ConfigureAwait(false));
                var mac = string.Create(CultureInfo.InvariantCulture, $"02:c1:00:00:00:{host.Index:x2}");
                var ip = $"10.0.0.{host.Index}";
                var port = await c.Rest.PostAsync("ports", new { networkId = network, hostId, mac, ip, name = $"vm{host.Index}" }).ConfigureAwait(false);
                vlans.Add(port["vlan"]!.GetValue<int>());
                if (c == Controllers[0])
                {
                    ports.Add((host, mac, ip, vlans[^1]));
                }
            }

            Assert.That(vlans, Is.EqualTo(ports.Select(p => p.Vlan)), $"{c.Namespace} allocated the same local VLANs");
        }

        foreach (var (host, mac, ip, vlan) in ports)
        {
            var vm = await Topology.AddVmAsync(host, $"vm{host.Index}", vlan, $"{ip}/24").ConfigureAwait(false);
            await vm.ExecAsync(["ip", "link", "set", "dev", "eth0", "address", mac]).ConfigureAwait(false);
            Vms.Add(vm);
        }

        await Topology.Underlay.WarmUpAsync().ConfigureAwait(false);
        foreach (var host in Topology.Hosts)
        {
            var targets = Controllers.Select(c => $"tcp:{c.Ip}:{ControllerProcess.OpenFlowPort}").ToArray();
            await host.VsctlAsync(["set-controller", OvsHypervisor.BrTun, .. targets, "--", "set", "bridge", OvsHypervisor.BrTun, "fail_mode=secure", "protocols=OpenFlow13"]).ConfigureAwait(false);
            var uuids = (await host.VsctlAsync("--bare", "--columns=_uuid", "list", "controller").ConfigureAwait(false)).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var uuid in uuids)
            {
                await host.VsctlAsync("set", "controller", uuid, "max_backoff=1000").ConfigureAwait(false);
            }
        }
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
    public static async Task<(string? Master, ulong Generation)> MasterOfAsync(ControllerProcess asked, ulong dpid)
    {
        var view = await asked.Rest.GetAsync("cluster").ConfigureAwait(false);
        var hex = dpid.ToString("x16", CultureInfo.InvariantCulture);
        foreach (var s in view["switches"]!.AsArray())
        {
            if (s!["id"]!.GetValue<string>() == hex)
            {
                return (s["master"]!.GetValue<string>(), s["generationId"]!.GetValue<ulong>());
            }
        }

        return (null, 0);
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

    /// <summary>Every switch has a master whose session role is master and whose reconciler is in sync; the others are slaves.</summary>
    public async Task WaitConvergedAsync(IReadOnlyList<ControllerProcess> live, TimeSpan timeout)
    {
        await Poll.UntilAsync(
            async () =>
            {
                foreach (var dpid in DatapathIds.Values)
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

                return true;
            },
            timeout,
            "every switch mastered by one live member (in sync), slave at the others").ConfigureAwait(false);
    }

    public string MemberOf(ControllerProcess c) => MemberId(Controllers.IndexOf(c));

    public ControllerProcess ByMember(string member) => Controllers[int.Parse(member[1..], CultureInfo.InvariantCulture) - 1];

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var c in Controllers)
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }

            await Topology.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Etcd.DisposeAsync().ConfigureAwait(false);
            await _cleanup.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();
}
