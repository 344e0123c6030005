using Tests.Shared;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Controller.Api;
using Controller.Tests.Api;
using Controller.Hosts;
using Microsoft.Extensions.Configuration;

namespace Controller.Tests.Hosts;

/// <summary>
/// The controller in-process plumbs a real OVS host (ovsdb-server + ovs-vswitchd, netdev) whose only
/// set-up is set-manager and two external_ids. Loopback only; bridge names are unique per run.
/// </summary>
[NonParallelizable]
public sealed class OvsdbHostRealTests
{
    [Test]
    public async Task AHostWithOnlySetManagerIsPlumbedAndStaysInSyncWithZeroTransactions()
    {
        await using var ovs = await RealOvsHost.StartAsync();
        string tag = Guid.NewGuid().ToString("N")[..5];
        string brInt = "oi" + tag, brTun = "ot" + tag;
        await using var ctl = await ControllerTestHost.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plumbing:IntegrationBridge"] = brInt,
            ["Plumbing:TunnelBridge"] = brTun,
            ["Plumbing:PatchTunPort"] = "pt" + tag,
            ["Plumbing:PatchIntPort"] = "pi" + tag,
            ["Plumbing:DatapathType"] = "netdev",
            ["Ovsdb:Listen"] = "127.0.0.1:0",
        }));
        var manager = ctl.Service<OvsdbManager>();
        var bound = await manager.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(bound, Is.Not.Null);

        // The operator's whole set-up of the host.
        await ovs.VsctlAsync("set", "open", ".", "external_ids:system-id=sys-" + tag, "external_ids:ofc-encap-ip=192.0.2.1", "external_ids:hostname=h" + tag);
        await ovs.VsctlAsync("--no-wait", "set-manager", $"tcp:127.0.0.1:{bound!.Port}");

        // Auto-registered, bridges created, br-tun's datapath id learned, br-tun programmed over OpenFlow.
        var host = await PollAsync(async () =>
        {
            var hosts = await ctl.Client.GetFromJsonAsync<List<HostResponse>>("/api/v1/hosts", Json);
            return hosts!.FirstOrDefault(h => h.SystemId == "sys-" + tag && h.DatapathId is not null && h.Ovsdb is { InSync: true });
        }, "host registered, datapath id learned, in sync");
        Assert.That(await ovs.VsctlAsync("get", "Bridge", brTun, "fail_mode"), Is.EqualTo("secure"));
        Assert.That(await ovs.VsctlAsync("list-ports", brTun), Does.Contain("pi" + tag));
        Assert.That(await ovs.VsctlAsync("get-controller", brTun), Does.StartWith("tcp:127.0.0.1:"));
        string dpid = (await ovs.VsctlAsync("get", "Bridge", brTun, "datapath_id")).Trim('"');
        Assert.That(host!.DatapathId, Is.EqualTo(dpid));
        Assert.That(host.Ovsdb!.WriterIsSelf, Is.True, "without a cluster the controller writes every host it is connected to");
        var cluster = await ctl.Client.GetFromJsonAsync<JsonElement>("/api/v1/cluster", Json);
        var written = cluster.GetProperty("hosts").EnumerateArray().Single();
        Assert.That((written.GetProperty("id").GetString(), written.GetProperty("hostId").GetString()), Is.EqualTo(("sys-" + tag, host.Id)), "GET /cluster names the host it writes");
        Assert.That(await ovs.VsctlAsync("--if-exists", "get", "Open_vSwitch", ".", "external_ids:ofc-writer"), Is.Empty, "and sets no writer token: nothing to fence");
        await PollAsync(async () => (await ovs.OfctlAsync("dump-flows", brTun)).Split('\n').Count(l => l.Contains("table=", StringComparison.Ordinal)) > 3 ? "ok" : null, "br-tun flows");

        // A network and a second host declared over REST: a tunnel port appears.
        var tenant = await Post(ctl, "/api/v1/tenants", new { name = "t" + tag });
        await Post(ctl, "/api/v1/networks", new { tenantId = tenant.GetProperty("id").GetString(), name = "n" + tag, tunnelType = "vxlan" });
        await Post(ctl, "/api/v1/hosts", new { name = "peer" + tag, datapathId = "00000000000000aa", tunnelIp = "192.0.2.2" });
        await PollAsync(async () => (await ovs.VsctlAsync("list-ports", brTun)).Contains("vxlan-c0000202", StringComparison.Ordinal) ? "ok" : null, "tunnel port to the REST host");
        Assert.That(await ovs.VsctlAsync("get", "Interface", "vxlan-c0000202", "options:remote_ip"), Is.EqualTo("\"192.0.2.2\""));
        await PollAsync(async () => (await HostStatus(ctl, host.Id)).InSync ? "ok" : null, "in sync after the mesh change");

        // In sync: a store change that does not concern this host's plumbing, and a bridge the operator
        // adds by hand, both lead to zero transactions, and the hand-made bridge survives.
        long before = manager.TransactionsSent;
        await Post(ctl, "/api/v1/tenants", new { name = "other" + tag });
        await ovs.VsctlAsync("add-br", "oh" + tag, "--", "set", "Bridge", "oh" + tag, "datapath_type=netdev");
        await Task.Delay(TimeSpan.FromSeconds(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(manager.TransactionsSent, Is.EqualTo(before), "zero transactions when nothing changed");
            Assert.That(await ovs.VsctlAsync("list-br"), Does.Contain("oh" + tag));
            Assert.That((await HostStatus(ctl, host.Id)).InSync, Is.True);
        }

        // A tunnel port deleted by hand comes back.
        await ovs.VsctlAsync("del-port", brTun, "vxlan-c0000202");
        await PollAsync(async () => (await ovs.VsctlAsync("list-ports", brTun)).Contains("vxlan-c0000202", StringComparison.Ordinal) ? "ok" : null, "tunnel port recreated");
        Assert.That(await ovs.VsctlAsync("list-br"), Does.Contain("oh" + tag));

        var view = await ctl.Client.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/{host.Id}/ovsdb", Json);
        Assert.That(view.GetProperty("desired").GetArrayLength(), Is.EqualTo(2));
        Assert.That(view.GetProperty("actual").EnumerateArray().Select(b => b.GetProperty("name").GetString()), Does.Contain("oh" + tag));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static async Task<HostOvsdbStatus> HostStatus(ControllerTestHost ctl, string id) =>
        (await ctl.Client.GetFromJsonAsync<HostResponse>($"/api/v1/hosts/{id}", Json))!.Ovsdb!;

    private static async Task<JsonElement> Post(ControllerTestHost ctl, string path, object body)
    {
        var r = await ctl.Client.PostAsJsonAsync(path, body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<T> PollAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
        => Poll.ForAsync(probe, TimeSpan.FromSeconds(30), what, TimeSpan.FromMilliseconds(200));
}
