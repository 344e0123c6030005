using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Controller.Tests.Api;

/// <summary>Hosts with a systemId (managed over OVSDB) and networks' MTU, over HTTP.</summary>
[TestFixture]
public sealed class HostIdentityEndpointsTests
{
    private ControllerTestHost _host = null!;

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _host = await ControllerTestHost.StartAsync(configure: b => b.Configuration["Plumbing:UnderlayMtu"] = "1600");

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task A_host_with_only_a_systemId_has_a_null_datapathId_until_learned()
    {
        var created = await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), systemId = Unique("sys"), tunnelIp = "203.0.113.10" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var h = await Json(created);
        var id = h.GetProperty("id").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.GetProperty("datapathId").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(h.GetProperty("systemId").GetString(), Does.StartWith("sys-"));
        }

        var store = _host.App.Services.GetRequiredService<Controller.Store.TenantStore>();
        store.SetLearnedDatapathId(id, 0xabc);
        var got = await Json(await Http.GetAsync($"/api/v1/hosts/{id}"));
        Assert.That(got.GetProperty("datapathId").GetString(), Is.EqualTo("0000000000000abc"));

        var byHand = await Json(await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), datapathId = "0xdef", tunnelIp = "203.0.113.11" }));
        Assert.That(byHand.GetProperty("systemId").ValueKind, Is.EqualTo(JsonValueKind.Null), "hosts declared by hand have none");
        var both = await Json(await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), datapathId = "0xdee", systemId = Unique("sys"), tunnelIp = "203.0.113.12" }));
        Assert.That(both.GetProperty("datapathId").GetString(), Is.EqualTo("0000000000000dee"));

        var patched = await Json(await Http.PatchAsJsonAsync($"/api/v1/hosts/{byHand.GetProperty("id").GetString()}", new { systemId = "adopted-later" }));
        Assert.That(patched.GetProperty("systemId").GetString(), Is.EqualTo("adopted-later"), "a hand-declared host may switch to OVSDB");
    }

    [TestCase("{\"name\":\"hv-x\",\"tunnelIp\":\"203.0.113.20\"}", "datapathId")]
    [TestCase("{\"name\":\"hv-x\",\"systemId\":\"\",\"tunnelIp\":\"203.0.113.20\"}", "systemId")]
    [TestCase("{\"name\":\"hv-x\",\"systemId\":\"   \",\"tunnelIp\":\"203.0.113.20\"}", "systemId")]
    [TestCase("{\"name\":\"hv-x\",\"systemId\":\"a\\u0007b\",\"tunnelIp\":\"203.0.113.20\"}", "systemId")]
    [TestCase("{\"name\":\"hv-x\",\"systemId\":\" edge\",\"tunnelIp\":\"203.0.113.20\"}", "systemId")]
    [TestCase("{\"name\":\"hv-x\",\"systemId\":1,\"tunnelIp\":\"203.0.113.20\"}", null)]
    public async Task Bad_identity_is_a_400_naming_the_field_and_changes_nothing(string json, string? field)
    {
        var before = await ListingAsync();
        await Problem.AssertAsync(await PostRawAsync("/api/v1/hosts", json), HttpStatusCode.BadRequest, field: field);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_systemId_over_100_characters_is_a_400()
    {
        var before = await ListingAsync();
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), systemId = new string('s', 101), tunnelIp = "203.0.113.21" }),
            HttpStatusCode.BadRequest,
            field: "systemId");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_duplicate_systemId_is_a_409_on_create_and_on_update()
    {
        var sys = Unique("sys");
        var first = await Json(await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), systemId = sys, tunnelIp = "203.0.113.30" }));
        var other = await Json(await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), systemId = Unique("sys"), tunnelIp = "203.0.113.31" }));
        var before = await ListingAsync();
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/hosts", new { name = Unique("hv"), systemId = sys, tunnelIp = "203.0.113.32" }),
            HttpStatusCode.Conflict,
            detailContains: first.GetProperty("id").GetString());
        await Problem.AssertAsync(
            await Http.PatchAsJsonAsync($"/api/v1/hosts/{other.GetProperty("id").GetString()}", new { systemId = sys }),
            HttpStatusCode.Conflict,
            detailContains: sys);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Networks_show_their_mtu_from_the_underlay_less_the_encapsulation()
    {
        var tenant = (await Json(await Http.PostAsJsonAsync("/api/v1/tenants", new { name = Unique("t") }))).GetProperty("id").GetString();
        var vxlan = await Json(await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "v" }));
        var gre = await Json(await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "g", tunnelType = "gre" }));
        var listed = await Json(await Http.GetAsync($"/api/v1/networks?tenantId={tenant}"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(vxlan.GetProperty("mtu").GetInt32(), Is.EqualTo(1550), "Plumbing:UnderlayMtu=1600 less VXLAN's 50");
            Assert.That(gre.GetProperty("mtu").GetInt32(), Is.EqualTo(1558), "less GRE's 42");
            Assert.That(listed.EnumerateArray().Select(n => n.GetProperty("mtu").GetInt32()), Is.EquivalentTo(new[] { 1550, 1558 }));
        }
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("n")[..8];

    private Task<HttpResponseMessage> PostRawAsync(string route, string json) =>
        Http.PostAsync(route, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> ListingAsync()
    {
        var r = await Http.GetAsync("/api/v1/hosts");
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await r.Content.ReadAsStringAsync();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
