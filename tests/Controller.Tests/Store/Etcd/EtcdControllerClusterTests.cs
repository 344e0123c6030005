using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Controller.Store;
using Controller.Tests.Api;
using Controller.Tests.Reconcile;
using Tests.Shared;

namespace Controller.Tests.Store.Etcd;

/// <summary>
/// Two real controller hosts (in-process, each with its own REST port) on a real 3-member etcd cluster, each
/// talking to a different member first: racing REST writes, and quorum loss and recovery.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EtcdControllerClusterTests
{
    private EtcdCluster _etcd = null!;

    [SetUp]
    public async Task SetUp() => _etcd = await EtcdCluster.StartAsync(3);

    [TearDown]
    public async Task TearDown() => await _etcd.DisposeAsync();

    [Test]
    [CancelAfter(240_000)]
    public async Task Two_controllers_racing_1000_port_creations_never_duplicate_a_vlan_mac_or_segment()
    {
        var prefix = "/race/" + Guid.NewGuid().ToString("N");
        await using var a = await StartControllerAsync(prefix, 0, 1, 2);
        await using var b = await StartControllerAsync(prefix, 1, 2, 0);

        var tenant = (await PostAsync(a, "/api/v1/tenants", new { name = "acme" })).GetProperty("id").GetString()!;
        var main = (await PostAsync(a, "/api/v1/networks", new { tenantId = tenant, name = "main", tunnelType = "vxlan" })).GetProperty("id").GetString()!;
        var hosts = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            hosts.Add((await PostAsync(i % 2 == 0 ? a : b, "/api/v1/hosts", new { name = $"hv{i}", datapathId = (i + 1).ToString("x", CultureInfo.InvariantCulture), tunnelIp = $"192.0.2.{i + 1}" })).GetProperty("id").GetString()!);
        }

        // Ten more networks, created on both controllers at once: their segments race.
        var extra = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            PostAsync(i % 2 == 0 ? a : b, "/api/v1/networks", new { tenantId = tenant, name = $"x{i}", tunnelType = "vxlan" })));
        var extraIds = extra.Select(n => n.GetProperty("id").GetString()!).ToArray();
        Assert.That(extra.Select(n => n.GetProperty("segmentId").GetInt32()).Append(1), Is.Unique, "segments are never shared");
        await Poll.UntilAsync(() => CountAsync(b, "/api/v1/networks").Result == 11 && CountAsync(b, "/api/v1/hosts").Result == 10, TimeSpan.FromSeconds(15), "b sees the networks and hosts");

        // The race: 1,000 ports on "main", alternating controllers, 16 requests in flight; every tenth MAC is
        // offered to both controllers at once (exactly one may win); and the first port of each extra network
        // on each host, so that local VLAN allocation races too.
        var requests = new List<(ControllerTestHost Via, string Network, string Host, string Mac)>();
        for (var i = 0; i < 1000; i++)
        {
            var mac = MacText(i);
            requests.Add((i % 2 == 0 ? a : b, main, hosts[i % 10], mac));
            if (i % 10 == 0)
            {
                requests.Add((i % 2 == 0 ? b : a, main, hosts[i % 10], mac));
            }
        }

        for (var h = 0; h < hosts.Count; h++)
        {
            for (var n = 0; n < extraIds.Length; n++)
            {
                requests.Add(((h + n) % 2 == 0 ? a : b, extraIds[n], hosts[h], MacText(5000 + (h * 100) + n)));
            }
        }

        var shuffled = requests.OrderBy(_ => Random.Shared.Next()).ToList();
        using var gate = new SemaphoreSlim(16);
        var started = DateTime.UtcNow;
        var results = await Task.WhenAll(shuffled.Select(async r =>
        {
            await gate.WaitAsync();
            try
            {
                using var resp = await r.Via.Client.PostAsJsonAsync("/api/v1/ports", new { networkId = r.Network, hostId = r.Host, mac = r.Mac });
                var text = await resp.Content.ReadAsStringAsync();
                return (r, resp.StatusCode, Body: JsonDocument.Parse(text).RootElement.Clone());
            }
            finally
            {
                gate.Release();
            }
        }));
        TestContext.Out.WriteLine($"{results.Length} REST port creations on two controllers in {(DateTime.UtcNow - started).TotalSeconds:F1} s");

        var created = results.Where(x => x.StatusCode == HttpStatusCode.Created).ToList();
        var refused = results.Where(x => x.StatusCode != HttpStatusCode.Created).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Count(x => x.r.Network == main), Is.EqualTo(1000), "every MAC on main got exactly one port");
            Assert.That(created.Count(x => x.r.Network != main), Is.EqualTo(100));
            Assert.That(refused, Has.Count.EqualTo(100), "the second offer of each duplicated MAC is refused");
            Assert.That(refused.Select(x => (x.StatusCode, Field: x.Body.TryGetProperty("field", out var f) ? f.GetString() : x.Body.ToString())), Is.All.EqualTo((HttpStatusCode.Conflict, "mac")), "as a 409 naming mac");
        }

        // Both controllers converge on the same 1,100 ports.
        await Poll.UntilAsync(() => CountAsync(a, "/api/v1/ports").Result == 1100 && CountAsync(b, "/api/v1/ports").Result == 1100, TimeSpan.FromSeconds(30), "both controllers list 1100 ports");
        var onA = await ListAsync(a, "/api/v1/ports");
        var onB = await ListAsync(b, "/api/v1/ports");
        var createdIds = created.Select(x => x.Body.GetProperty("id").GetString()).ToHashSet();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onA.Select(Key), Is.EquivalentTo(onB.Select(Key)), "same ports, MACs and VLANs on both");
            Assert.That(onA.Select(p => p.GetProperty("id").GetString()), Is.EquivalentTo(createdIds), "every created port is present");
            Assert.That(onA.Where(p => p.GetProperty("networkId").GetString() == main).Select(p => p.GetProperty("mac").GetString()), Is.Unique);

            // Local VLANs: one per (host, network), each port shows its binding's, distinct within a host.
            var bindings = onA.GroupBy(p => (Host: p.GetProperty("hostId").GetString(), Net: p.GetProperty("networkId").GetString()))
                .Select(g => (g.Key.Host, g.Key.Net, Vlans: g.Select(p => p.GetProperty("vlan").GetInt32()).Distinct().ToList())).ToList();
            Assert.That(bindings.Where(x => x.Vlans.Count != 1), Is.Empty, "all ports of a (host, network) share one VLAN");
            foreach (var host in bindings.GroupBy(x => x.Host))
            {
                Assert.That(host.Count(), Is.EqualTo(11), $"host {host.Key} carries 11 networks");
                Assert.That(host.Select(x => x.Vlans[0]), Is.Unique, $"host {host.Key}: 11 distinct VLANs");
            }

            // Each port's response at creation matches what both list now (no VLAN changed under it).
            var byId = onB.ToDictionary(p => p.GetProperty("id").GetString()!);
            Assert.That(created.Where(x => byId[x.Body.GetProperty("id").GetString()!].GetProperty("vlan").GetInt32() != x.Body.GetProperty("vlan").GetInt32()), Is.Empty);
        }

        // And what etcd holds is exactly that: a third store reading afresh agrees.
        using var fresh = TenantStore.OpenEtcd(new EtcdStoreOptions { Endpoints = _etcd.ClientEndpoint(2), Prefix = prefix });
        Assert.That(fresh.ListPorts().Select(p => p.Port.Id), Is.EquivalentTo(createdIds));
        Assert.That(fresh.ListNetworks(), Has.Count.EqualTo(11));
        Assert.That(fresh.ListNetworks().Select(n => n.Network.SegmentId), Is.Unique);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Quorum_loss_refuses_writes_with_503_serves_stale_reads_and_converges_when_it_returns()
    {
        var prefix = "/quorum/" + Guid.NewGuid().ToString("N");
        await using var a = await StartControllerAsync(prefix, 0, 1, 2);
        await using var b = await StartControllerAsync(prefix, 1, 2, 0);

        var tenant = (await PostAsync(a, "/api/v1/tenants", new { name = "acme" })).GetProperty("id").GetString()!;
        var net = (await PostAsync(b, "/api/v1/networks", new { tenantId = tenant, name = "web", tunnelType = "vxlan" })).GetProperty("id").GetString()!;
        await Poll.UntilAsync(() => CountAsync(a, "/api/v1/networks").Result == 1, Poll.DefaultTimeout, "a sees b's network");
        var host = (await PostAsync(a, "/api/v1/hosts", new { name = "hv1", datapathId = "1", tunnelIp = "192.0.2.1" })).GetProperty("id").GetString()!;
        await Poll.UntilAsync(() => CountAsync(b, "/api/v1/hosts").Result == 1, Poll.DefaultTimeout, "b sees a's host");
        var before = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            before.Add((await PostAsync(i % 2 == 0 ? a : b, "/api/v1/ports", new { networkId = net, hostId = host, mac = MacText(i) })).GetProperty("id").GetString()!);
        }

        await Poll.UntilAsync(() => CountAsync(a, "/api/v1/ports").Result == 10 && CountAsync(b, "/api/v1/ports").Result == 10, Poll.DefaultTimeout, "both see 10 ports");
        Assert.That(await StoreStaleAsync(a), Is.False);

        // Two of three members die: no quorum.
        _etcd.Kill(1);
        _etcd.Kill(2);

        foreach (var (c, name) in new[] { (a, "a"), (b, "b") })
        {
            HttpResponseMessage? refused = null;
            await Poll.UntilAsync(
                () =>
                {
                    refused?.Dispose();
                    refused = c.Client.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = host, mac = MacText(100) }).Result;
                    return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
                }, TimeSpan.FromSeconds(20),
                $"{name} refuses writes with 503");
            await Problem.AssertAsync(refused!, HttpStatusCode.ServiceUnavailable);
            refused!.Dispose();

            using var read = await c.Client.GetAsync("/api/v1/ports");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{name} still reads");
            Assert.That(read.Headers.TryGetValues("X-Store-Stale", out var v) ? v.Single() : null, Is.EqualTo("true"), $"{name} marks the read stale");
            var ports = await read.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(ports.EnumerateArray().Select(p => p.GetProperty("id").GetString()), Is.EquivalentTo(before), $"{name} answers from its last state");
            Assert.That(await StoreStaleAsync(c), Is.True);
        }

        // The members come back: writes work again on both, nothing written before is lost, each sees the other's new writes.
        _etcd.Restart(1);
        _etcd.Restart(2);
        await _etcd.WaitHealthyAsync(TimeSpan.FromSeconds(30));

        string? fromB = null;
        await Poll.UntilAsync(
            () =>
            {
                using var r = b.Client.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = host, mac = MacText(200) }).Result;
                if (r.StatusCode == HttpStatusCode.Created)
                {
                    fromB = r.Content.ReadFromJsonAsync<JsonElement>().Result.GetProperty("id").GetString();
                }

                return fromB is not null || r.StatusCode == HttpStatusCode.Conflict;
            }, TimeSpan.FromSeconds(30),
            "b writes again");
        Assert.That(fromB, Is.Not.Null, "the first successful write creates the port");
        var fromA = (await PostAsync(a, "/api/v1/ports", new { networkId = net, hostId = host, mac = MacText(201) })).GetProperty("id").GetString()!;

        // A write refused with 503 during the outage may still have been applied when quorum returned (the
        // problem says so: ambiguous). So the one MAC tried then may or may not be there; nothing else may differ.
        var all = before.Append(fromB!).Append(fromA).ToList();
        string[] Ids(IEnumerable<JsonElement> ports) => [.. ports.Where(p => p.GetProperty("mac").GetString() != MacText(100)).Select(p => p.GetProperty("id").GetString()!)];
        await Poll.UntilAsync(
            () =>
            {
                var onA = ListAsync(a, "/api/v1/ports").Result.ToList();
                var onB = ListAsync(b, "/api/v1/ports").Result.ToList();
                return onA.Count == onB.Count && Ids(onA).Order().SequenceEqual(Ids(onB).Order()) && Ids(onA).Length == all.Count;
            }, TimeSpan.FromSeconds(15),
            "both converge on the same 12 ports (plus, at most, the ambiguous one)");
        foreach (var c in new[] { a, b })
        {
            Assert.That(Ids(await ListAsync(c, "/api/v1/ports")), Is.EquivalentTo(all));
            await Poll.UntilAsync(() => !StoreStaleAsync(c).Result, Poll.DefaultTimeout, "the store is no longer stale");
            using var read = await c.Client.GetAsync("/api/v1/ports");
            Assert.That(read.Headers.Contains("X-Store-Stale"), Is.False);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_store_cut_off_while_etcd_compacts_its_missed_revisions_reloads_and_converges()
    {
        var prefix = "/compact/" + Guid.NewGuid().ToString("N");
        EtcdStoreOptions On(int member) => new() { Endpoints = _etcd.ClientEndpoint(member), Prefix = prefix, ProbeIntervalMs = 200, RequestTimeoutMs = 2000 };
        using var a = TenantStore.OpenEtcd(On(0));
        using var b = TenantStore.OpenEtcd(On(2));
        var t = a.CreateTenant("acme").Id;
        var n = a.CreateNetwork(new NewNetwork(t, "web", Apps.Model.TunnelType.Vxlan)).Network.Id;
        var h = a.CreateHost(new NewHost("hv1", 1, IPAddress.Parse("192.0.2.1"))).Id;
        await Poll.UntilAsync(() => b.FindHost(h) is not null, Poll.DefaultTimeout, "b sees the host");

        _etcd.Kill(2);
        await Poll.UntilAsync(() => b.IsStale, Poll.DefaultTimeout, "b notices it is cut off");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Two of three members keep quorum; a write may meet the election if the killed member led.
            await Poll.UntilAsync(
                () =>
                {
                    try
                    {
                        created.Add(a.CreatePort(new NewPort(n, h, 0x02_00_00_00_01_00UL + (ulong)i)).Port.Id);
                        return true;
                    }
                    catch (StoreUnavailableException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(15),
                "a writes with two members");
        }

        // etcd forgets the revisions b has not seen: b's watch cannot resume and must reload.
        Assert.That(await EtcdctlAsync(_etcd.ClientEndpoint(0), "compact", a.Revision.ToString(CultureInfo.InvariantCulture)), Does.Contain("compacted revision"));
        _etcd.Restart(2);
        await _etcd.WaitHealthyAsync(2, TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => b.ListPorts().Count == 5 && !b.IsStale, TimeSpan.FromSeconds(20), "b converges after the reload");
        Assert.That(b.ListPorts(), Is.EquivalentTo(a.ListPorts()));
        Assert.That(b.Revision, Is.EqualTo(a.Revision));
        Assert.That(b.Current.Ports.Select(p => p.Id), Is.EquivalentTo(created), "the reload published a snapshot");
    }

    private static async Task<string> EtcdctlAsync(string endpoint, params string[] args)
    {
        EtcdCluster.RequireEtcdctl();
        var psi = new System.Diagnostics.ProcessStartInfo(EtcdCluster.EtcdctlBinary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ETCDCTL_API"] = "3";
        psi.ArgumentList.Add("--endpoints=" + endpoint);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return await stdout + await stderr;
    }

    private async Task<ControllerTestHost> StartControllerAsync(string prefix, params int[] members) =>
        await ControllerTestHost.StartAsync(extraArgs:
        [
            "--Store:Backend=etcd",
            "--Store:Etcd:Endpoints=" + string.Join(",", members.Select(_etcd.ClientEndpoint)),
            "--Store:Etcd:Prefix=" + prefix,
            "--Store:Etcd:RequestTimeoutMs=2000",
            "--Store:Etcd:ProbeIntervalMs=200",
            "--Serilog:MinimumLevel:Default=Error",
        ]);

    private static string MacText(int n) => string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}");

    private static string Key(JsonElement p) =>
        string.Join("|", p.GetProperty("id").GetString(), p.GetProperty("mac").GetString(), p.GetProperty("vlan").GetInt32(), p.GetProperty("hostId").GetString());

    private static async Task<JsonElement> PostAsync(ControllerTestHost c, string path, object body)
    {
        using var resp = await c.Client.PostAsJsonAsync(path, body);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.That(resp.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> ListAsync(ControllerTestHost c, string path) =>
        [.. (await c.Client.GetFromJsonAsync<JsonElement>(path)).EnumerateArray()];

    private static async Task<int> CountAsync(ControllerTestHost c, string path) => (await ListAsync(c, path)).Count;

    private static async Task<bool> StoreStaleAsync(ControllerTestHost c) =>
        (await c.Client.GetFromJsonAsync<JsonElement>("/api/v1/store")).GetProperty("stale").GetBoolean();
}
