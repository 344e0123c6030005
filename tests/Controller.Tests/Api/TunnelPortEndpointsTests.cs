using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Apps.Model;
using Controller.Store;

namespace Controller.Tests.Api;

/// <summary>/api/v1/tunnel-ports through a real HTTP client against the in-process host (no token configured).</summary>
[TestFixture]
public sealed class TunnelPortEndpointsTests
{
    private static int _hostCounter;
    private ControllerTestHost _host = null!;

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ControllerTestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task Create_get_list_by_host_delete_and_the_snapshot_carries_it()
    {
        var h1 = await HostAsync();
        var h2 = await HostAsync();
        var version = _host.Service<TenantStore>().Current.Version;

        var created = await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "to-rack-b", remoteHostId = h2.Id, tunnelType = "gre" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var t = await Json(created);
        var id = t.GetProperty("id").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/tunnel-ports/{id}"));
            Assert.That(t.GetProperty("hostId").GetString(), Is.EqualTo(h1.Id));
            Assert.That(t.GetProperty("portName").GetString(), Is.EqualTo("to-rack-b"));
            Assert.That(t.GetProperty("remoteHostId").GetString(), Is.EqualTo(h2.Id));
            Assert.That(t.GetProperty("tunnelType").GetString(), Is.EqualTo("gre"));
            Assert.That(t.GetProperty("hostName").GetString(), Is.EqualTo(h1.Name));
            Assert.That(t.GetProperty("remoteHostName").GetString(), Is.EqualTo(h2.Name));
            Assert.That(t.GetProperty("remoteTunnelIp").GetString(), Is.EqualTo(h2.TunnelIp), "the remote_ip the OVS interface needs");
        }

        var back = await Json(await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h2.Id, portName = "to-rack-a", remoteHostId = h1.Id }));
        Assert.That(back.GetProperty("tunnelType").GetString(), Is.EqualTo("vxlan"), "vxlan by default");

        var store = _host.Service<TenantStore>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(store.Current.Version, Is.EqualTo(version + 2), "one snapshot per write");
            Assert.That(store.Current.TunnelPorts, Does.Contain(new TunnelPortDeclaration("to-rack-b", h2.Id, TunnelType.Gre, h1.Id)));
            Assert.That(store.Current.TunnelPorts, Does.Contain(new TunnelPortDeclaration("to-rack-a", h1.Id, TunnelType.Vxlan, h2.Id)));
        }

        var metrics = await Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain($"ofcontroller_store_entities{{kind=\"tunnel_ports\"}} {store.Current.TunnelPorts.Length}"));
        Assert.That((await Json(await Http.GetAsync($"/api/v1/tunnel-ports/{id}"))).GetProperty("portName").GetString(), Is.EqualTo("to-rack-b"));
        var onH1 = await Json(await Http.GetAsync($"/api/v1/tunnel-ports?hostId={h1.Id}"));
        Assert.That(onH1.EnumerateArray().Select(x => x.GetProperty("id").GetString()), Is.EqualTo(new[] { id }));
        var all = await Json(await Http.GetAsync("/api/v1/tunnel-ports"));
        Assert.That(all.EnumerateArray().Select(x => x.GetProperty("id").GetString()), Is.SupersetOf(new[] { id, back.GetProperty("id").GetString() }));

        Assert.That((await Http.DeleteAsync($"/api/v1/tunnel-ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Problem.AssertAsync(await Http.GetAsync($"/api/v1/tunnel-ports/{id}"), HttpStatusCode.NotFound, detailContains: id);
        Assert.That(store.Current.TunnelPorts.Any(d => d.PortName == "to-rack-b" && d.OnHostId == h1.Id), Is.False);
        Assert.That((await Http.DeleteAsync($"/api/v1/tunnel-ports/{back.GetProperty("id").GetString()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Http.DeleteAsync($"/api/v1/hosts/{h1.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "no declaration left");
    }

    [Test]
    public async Task Missing_and_invalid_fields_are_a_400_naming_each_field_and_change_nothing()
    {
        var h1 = await HostAsync();
        var h2 = await HostAsync();
        var before = await ListingAsync();

        var missing = await Problem.AssertAsync(await PostRawAsync("{}"), HttpStatusCode.BadRequest, field: "hostId");
        Assert.That(missing.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "hostId", "portName", "remoteHostId" }));
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "a-name-of-16-chr", remoteHostId = h2.Id }),
            HttpStatusCode.BadRequest,
            field: "portName",
            detailContains: "15");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "", remoteHostId = h2.Id }),
            HttpStatusCode.BadRequest,
            field: "portName");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "loop", remoteHostId = h1.Id }),
            HttpStatusCode.BadRequest,
            field: "remoteHostId");
        await Problem.AssertAsync(
            await PostRawAsync($"{{\"hostId\":\"{h1.Id}\",\"portName\":\"t\",\"remoteHostId\":\"{h2.Id}\",\"tunnelType\":\"stt\"}}"),
            HttpStatusCode.BadRequest,
            field: "tunnelType");
        await Problem.AssertAsync(
            await PostRawAsync($"{{\"hostId\":\"{h1.Id}\",\"portName\":\"t\",\"remoteHostId\":\"{h2.Id}\",\"colour\":\"red\"}}"),
            HttpStatusCode.BadRequest,
            field: "colour");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Unknown_hosts_are_a_400_naming_the_field_and_change_nothing()
    {
        var h1 = await HostAsync();
        var before = await ListingAsync();
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = "nope", portName = "t", remoteHostId = h1.Id }),
            HttpStatusCode.BadRequest,
            field: "hostId",
            detailContains: "nope");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "t", remoteHostId = "nope" }),
            HttpStatusCode.BadRequest,
            field: "remoteHostId",
            detailContains: "nope");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Duplicate_name_on_a_host_is_a_409_and_changes_nothing()
    {
        var h1 = await HostAsync();
        var h2 = await HostAsync();
        var h3 = await HostAsync();
        await CreateAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "tun0", remoteHostId = h2.Id });
        var before = await ListingAsync();
        var version = _host.Service<TenantStore>().Current.Version;

        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "tun0", remoteHostId = h3.Id }),
            HttpStatusCode.Conflict,
            field: "portName",
            detailContains: "tun0");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
        Assert.That(_host.Service<TenantStore>().Current.Version, Is.EqualTo(version), "a failed write publishes nothing");
        await CreateAsync("/api/v1/tunnel-ports", new { hostId = h3.Id, portName = "tun0", remoteHostId = h1.Id });
    }

    [Test]
    public async Task Unknown_id_is_a_404_and_changes_nothing()
    {
        var before = await ListingAsync();
        await Problem.AssertAsync(await Http.GetAsync("/api/v1/tunnel-ports/nope"), HttpStatusCode.NotFound, detailContains: "nope");
        await Problem.AssertAsync(await Http.DeleteAsync("/api/v1/tunnel-ports/nope"), HttpStatusCode.NotFound, detailContains: "nope");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Deleting_a_host_at_either_end_is_a_409_and_changes_nothing()
    {
        var h1 = await HostAsync();
        var h2 = await HostAsync();
        await CreateAsync("/api/v1/tunnel-ports", new { hostId = h1.Id, portName = "tun-x", remoteHostId = h2.Id });
        var before = await ListingAsync();

        var p = await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/hosts/{h1.Id}"), HttpStatusCode.Conflict, detailContains: "tunnel-port");
        Assert.That(p.GetProperty("title").GetString(), Does.Contain("Delete refused"));
        await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/hosts/{h2.Id}"), HttpStatusCode.Conflict, detailContains: "tunnel-port");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    private sealed record HostRef(string Id, string Name, string TunnelIp);

    private async Task<HostRef> HostAsync()
    {
        var n = Interlocked.Increment(ref _hostCounter);
        var name = "tp-hv-" + Guid.NewGuid().ToString("n")[..8];
        var ip = $"203.0.113.{n}";
        var id = await CreateAsync("/api/v1/hosts", new { name, datapathId = $"{0x7000 + n:x}", tunnelIp = ip });
        return new HostRef(id, name, ip);
    }

    private async Task<string> CreateAsync(string route, object body)
    {
        var response = await Http.PostAsJsonAsync(route, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> PostRawAsync(string json) =>
        Http.PostAsync("/api/v1/tunnel-ports", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> ListingAsync()
    {
        var sb = new StringBuilder();
        foreach (var kind in new[] { "hosts", "tunnel-ports" })
        {
            var r = await Http.GetAsync($"/api/v1/{kind}");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            sb.Append(kind).Append('=').AppendLine(await r.Content.ReadAsStringAsync());
        }

        sb.Append("version=").Append(_host.Service<TenantStore>().Current.Version);
        return sb.ToString();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
