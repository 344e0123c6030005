using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Controller.Api;
using Controller.Hosts;
using Controller.Tests.Api;
using Controller.Tests.Reconcile;
using Tests.Shared;

namespace Controller.Tests.Hosts;

/// <summary>
/// Two controllers (in-process, each with its own OVSDB and REST port) in one cluster on a real 3-member etcd that
/// also holds their shared store, and one real OVS host managed by both (<c>set-manager tcp:a tcp:b</c>): one of
/// them writes the host's OVSDB, the other only watches; when the writer leaves, the other takes over, fenced.
/// </summary>
[NonParallelizable]
internal sealed class HostWriterClusterTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task One_controller_writes_the_host_the_other_watches_and_takes_over_when_the_writer_leaves()
    {
        await using var etcd = await EtcdCluster.StartAsync(3);
        await using var ovs = await RealOvsHost.StartAsync();
        var tag = Guid.NewGuid().ToString("N")[..5];
        var systemId = "sys-" + tag;
        var controllers = new Dictionary<string, ControllerTestHost>(StringComparer.Ordinal);
        try
        {
            foreach (var member in new[] { "a", "b" })
            {
                controllers[member] = await StartAsync(etcd, tag, member);
            }

            var managers = new List<string>();
            foreach (var c in controllers.Values)
            {
                var bound = await c.Service<OvsdbManager>().Listening.WaitAsync(TimeSpan.FromSeconds(10));
                managers.Add($"tcp:127.0.0.1:{bound!.Port}");
            }

            await ovs.VsctlAsync("set", "open", ".", "external_ids:system-id=" + systemId, "external_ids:ofc-encap-ip=192.0.2.1", "external_ids:hostname=h" + tag);
            await ovs.VsctlAsync(["--no-wait", "set-manager", .. managers]);

            // The writer (whoever won the host's key) registers the host, plumbs it and learns br-tun's datapath id.
            string writer = null!;
            await Poll.UntilAsync(async () => (writer = (await HostWriterAsync(controllers["a"], systemId)).Master!) is not null, TimeSpan.FromSeconds(30), "a writer for the host");
            var watcher = controllers.Keys.Single(k => k != writer);
            HostResponse host = null!;
            await Poll.UntilAsync(
                async () => (host = (await controllers[writer].Client.GetFromJsonAsync<List<HostResponse>>("/api/v1/hosts", Json))!.SingleOrDefault(h => h.SystemId == systemId)!) is { DatapathId: not null, Ovsdb.InSync: true },
                TimeSpan.FromSeconds(60),
                "the writer registered and plumbed the host");
            var first = await HostWriterAsync(controllers[watcher], systemId);
            var token = await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids:ofc-writer");
            var watcherHost = await controllers[watcher].Client.GetFromJsonAsync<HostResponse>($"/api/v1/hosts/{host.Id}", Json);
            using (Assert.EnterMultipleScope())
            {
                Assert.That((await controllers[watcher].Client.GetFromJsonAsync<List<HostResponse>>("/api/v1/hosts", Json))!.Count(h => h.SystemId == systemId), Is.EqualTo(1), "registered once, in the shared store");
                Assert.That(first.Master, Is.EqualTo(writer), "both members name the same writer");
                Assert.That(first.HostId, Is.EqualTo(host.Id), "GET /cluster names the host");
                Assert.That(token, Does.StartWith($"\"{first.GenerationId.ToString(CultureInfo.InvariantCulture)}@"), "the host carries the writer's token");
                Assert.That(host.Ovsdb!.Writer, Is.EqualTo(writer));
                Assert.That(host.Ovsdb.WriterIsSelf, Is.True);
                Assert.That(watcherHost!.Ovsdb!.Connected, Is.True, "the watcher keeps its connection and monitor");
                Assert.That(watcherHost.Ovsdb.WriterIsSelf, Is.False);
                Assert.That(controllers[watcher].Service<OvsdbManager>().TransactionsSent, Is.Zero, "the watcher sent no transaction");
            }

            // A peer host declared on the watcher: the writer builds the tunnel, the watcher still sends nothing.
            await Post(controllers[watcher], "/api/v1/tenants", new { name = "t" + tag });
            var tenant = (await controllers[watcher].Client.GetFromJsonAsync<JsonElement>("/api/v1/tenants")).EnumerateArray().First().GetProperty("id").GetString();
            await Post(controllers[watcher], "/api/v1/networks", new { tenantId = tenant, name = "n" + tag, tunnelType = "vxlan" });
            await Post(controllers[watcher], "/api/v1/hosts", new { name = "peer" + tag, datapathId = "00000000000000aa", tunnelIp = "192.0.2.2" });
            const string Tunnel = "vxlan-c0000202";
            await Poll.UntilAsync(async () => (await ovs.VsctlAsync("list-ports", "ot" + tag)).Contains(Tunnel, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the writer built the tunnel to the peer");
            Assert.That(controllers[watcher].Service<OvsdbManager>().TransactionsSent, Is.Zero, "the watcher still sent no transaction");

            // The writer leaves (a clean stop revokes its lease): the watcher takes over with a higher generation.
            await controllers[writer].DisposeAsync();
            controllers.Remove(writer);
            var survivor = controllers[watcher];
            MastershipViewDto next = null!;
            await Poll.UntilAsync(async () => (next = await HostWriterAsync(survivor, systemId)).Master == watcher, TimeSpan.FromSeconds(30), "the watcher to take the host over");
            Assert.That(next.GenerationId, Is.GreaterThan(first.GenerationId));
            await Poll.UntilAsync(
                async () => await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids:ofc-writer") == $"\"{next.GenerationId.ToString(CultureInfo.InvariantCulture)}{token[token.IndexOf('@', StringComparison.Ordinal)..]}",
                TimeSpan.FromSeconds(30),
                "the new writer's token on the host");

            // And it repairs: a tunnel port deleted by hand comes back.
            await ovs.VsctlAsync("del-port", "ot" + tag, Tunnel);
            await Poll.UntilAsync(async () => (await ovs.VsctlAsync("list-ports", "ot" + tag)).Contains(Tunnel, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the new writer restores the tunnel port");
            Assert.That(survivor.Service<OvsdbManager>().TransactionsSent, Is.GreaterThan(0));
        }
        finally
        {
            foreach (var c in controllers.Values)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static Task<ControllerTestHost> StartAsync(EtcdCluster etcd, string tag, string member) => ControllerTestHost.StartAsync(extraArgs:
    [
        "--Store:Backend=etcd",
        "--Store:Etcd:Endpoints=" + etcd.EndpointsCsv,
        $"--Store:Etcd:Prefix=/store-{tag}",
        "--Store:Etcd:ProbeIntervalMs=200",
        "--Cluster:Enabled=true",
        "--Cluster:MemberId=" + member,
        "--Cluster:Etcd:Endpoints=" + etcd.EndpointsCsv,
        $"--Cluster:Etcd:Prefix=/cluster-{tag}",
        "--Plumbing:IntegrationBridge=oi" + tag,
        "--Plumbing:TunnelBridge=ot" + tag,
        "--Plumbing:PatchTunPort=pt" + tag,
        "--Plumbing:PatchIntPort=pi" + tag,
        "--Plumbing:DatapathType=netdev",
    ]);

    private static async Task<MastershipViewDto> HostWriterAsync(ControllerTestHost c, string systemId)
    {
        var view = await c.Client.GetFromJsonAsync<JsonElement>("/api/v1/cluster");
        var host = view.GetProperty("hosts").EnumerateArray().FirstOrDefault(h => h.GetProperty("id").GetString() == systemId);
        return host.ValueKind == JsonValueKind.Undefined
            ? new MastershipViewDto(null, 0, null)
            : new MastershipViewDto(host.GetProperty("master").GetString(), host.GetProperty("generationId").GetUInt64(), host.TryGetProperty("hostId", out var id) ? id.GetString() : null);
    }

    private static async Task Post(ControllerTestHost c, string path, object body)
    {
        using var r = await c.Client.PostAsJsonAsync(path, body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
    }

    private sealed record MastershipViewDto(string? Master, ulong GenerationId, string? HostId);
}
