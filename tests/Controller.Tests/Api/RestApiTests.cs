using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Controller.Tests.Api;

/// <summary>The REST API through a real HTTP client against the in-process host (no token configured).</summary>
[TestFixture]
public sealed class RestApiTests
{
    private ControllerTestHost _host = null!;

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ControllerTestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    // ------------------------------------------------------------ happy paths

    [Test]
    public async Task Tenants_create_get_list_rename_delete()
    {
        var name = Unique("tenant");
        var created = await Http.PostAsJsonAsync("/api/v1/tenants", new { name });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var t = await Json(created);
        var id = t.GetProperty("id").GetString()!;
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/tenants/{id}"));

        var got = await Json(await Http.GetAsync($"/api/v1/tenants/{id}"));
        Assert.That(got.GetProperty("name").GetString(), Is.EqualTo(name));
        var list = await Json(await Http.GetAsync("/api/v1/tenants"));
        Assert.That(list.EnumerateArray().Select(x => x.GetProperty("id").GetString()), Does.Contain(id));

        var renamed = await Http.PatchAsJsonAsync($"/api/v1/tenants/{id}", new { name = name + "-b" });
        Assert.That((await Json(renamed)).GetProperty("name").GetString(), Is.EqualTo(name + "-b"));

        Assert.That((await Http.DeleteAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Problem.AssertAsync(await Http.GetAsync($"/api/v1/tenants/{id}"), HttpStatusCode.NotFound, detailContains: id);
    }

    [Test]
    public async Task Networks_create_get_list_rename_delete()
    {
        var tenant = await CreateAsync("/api/v1/tenants", new { name = Unique("t") });
        var created = await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "web", tunnelType = "gre", cidr = "10.1.0.0/16" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var n = await Json(created);
        var id = n.GetProperty("id").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(n.GetProperty("tunnelType").GetString(), Is.EqualTo("gre"), "enums are camelCase strings");
            Assert.That(n.GetProperty("segmentId").GetUInt32(), Is.GreaterThanOrEqualTo(1u), "allocated when not given");
            Assert.That(n.GetProperty("tenantId").GetString(), Is.EqualTo(tenant));
            Assert.That(n.GetProperty("cidr").GetString(), Is.EqualTo("10.1.0.0/16"));
        }

        var explicitSeg = await Json(await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "db", segmentId = 16_777_215 }));
        Assert.That(explicitSeg.GetProperty("segmentId").GetUInt32(), Is.EqualTo(16_777_215u));
        Assert.That(explicitSeg.GetProperty("tunnelType").GetString(), Is.EqualTo("vxlan"), "vxlan by default");

        var byTenant = await Json(await Http.GetAsync($"/api/v1/networks?tenantId={tenant}"));
        Assert.That(byTenant.GetArrayLength(), Is.EqualTo(2));
        Assert.That((await Json(await Http.GetAsync($"/api/v1/networks/{id}"))).GetProperty("name").GetString(), Is.EqualTo("web"));
        var renamed = await Json(await Http.PatchAsJsonAsync($"/api/v1/networks/{id}", new { name = "www" }));
        Assert.That(renamed.GetProperty("name").GetString(), Is.EqualTo("www"));

        Assert.That((await Http.DeleteAsync($"/api/v1/networks/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Problem.AssertAsync(await Http.GetAsync($"/api/v1/networks/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Hosts_create_get_list_update_tunnel_ip_delete()
    {
        var name = Unique("hv");
        var created = await Http.PostAsJsonAsync("/api/v1/hosts", new { name, datapathId = "0xABC", tunnelIp = "192.0.2.10" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var h = await Json(created);
        var id = h.GetProperty("id").GetString()!;
        Assert.That(h.GetProperty("datapathId").GetString(), Is.EqualTo("0000000000000abc"), "16 hex digits");

        var patched = await Json(await Http.PatchAsJsonAsync($"/api/v1/hosts/{id}", new { tunnelIp = "192.0.2.11" }));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(patched.GetProperty("tunnelIp").GetString(), Is.EqualTo("192.0.2.11"));
            Assert.That(patched.GetProperty("name").GetString(), Is.EqualTo(name), "fields left out keep their value");
        }

        var put = await Json(await Http.PutAsJsonAsync($"/api/v1/hosts/{id}", new { name = name + "x", datapathId = "00:00:00:00:00:00:0a:bd" }));
        Assert.That(put.GetProperty("datapathId").GetString(), Is.EqualTo("0000000000000abd"));
        Assert.That((await Json(await Http.GetAsync($"/api/v1/hosts/{id}"))).GetProperty("name").GetString(), Is.EqualTo(name + "x"));
        Assert.That((await Json(await Http.GetAsync("/api/v1/hosts"))).EnumerateArray().Any(x => x.GetProperty("id").GetString() == id));

        Assert.That((await Http.DeleteAsync($"/api/v1/hosts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Problem.AssertAsync(await Http.GetAsync($"/api/v1/hosts/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Ports_create_returns_vlan_host_and_network_then_update_and_delete()
    {
        var (tenant, network, host) = await SeedAsync();
        var created = await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:AA:BB:CC:DD:01", ip = "10.20.0.5", name = "veth1" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var p = await Json(created);
        var id = p.GetProperty("id").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.GetProperty("vlan").GetInt32(), Is.EqualTo(1), "the br-int tag=");
            Assert.That(p.GetProperty("mac").GetString(), Is.EqualTo("02:aa:bb:cc:dd:01"));
            Assert.That(p.GetProperty("networkId").GetString(), Is.EqualTo(network));
            Assert.That(p.GetProperty("hostId").GetString(), Is.EqualTo(host));
            Assert.That(p.GetProperty("networkName").GetString(), Is.EqualTo("net"));
            Assert.That(p.GetProperty("segmentId").GetUInt32(), Is.GreaterThan(0u));
            Assert.That(p.GetProperty("hostName").GetString(), Does.StartWith("hv"));
            Assert.That(p.GetProperty("tunnelIp").GetString(), Is.Not.Empty);
            Assert.That(p.GetProperty("ip").GetString(), Is.EqualTo("10.20.0.5"));
        }

        var second = await Json(await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:aa:bb:cc:dd:02" }));
        Assert.That(second.GetProperty("vlan").GetInt32(), Is.EqualTo(1), "same host and network, same VLAN");
        Assert.That(second.GetProperty("ip").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var filtered = await Json(await Http.GetAsync($"/api/v1/ports?networkId={network}&hostId={host}"));
        Assert.That(filtered.GetArrayLength(), Is.EqualTo(2));
        var patched = await Json(await Http.PatchAsJsonAsync($"/api/v1/ports/{id}", new { ip = "10.20.0.6", name = "veth9" }));
        Assert.That(patched.GetProperty("ip").GetString(), Is.EqualTo("10.20.0.6"));
        Assert.That((await Json(await Http.GetAsync($"/api/v1/ports/{id}"))).GetProperty("name").GetString(), Is.EqualTo("veth9"));

        Assert.That((await Http.DeleteAsync($"/api/v1/ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Http.DeleteAsync($"/api/v1/ports/{second.GetProperty("id").GetString()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Problem.AssertAsync(await Http.GetAsync($"/api/v1/ports/{id}"), HttpStatusCode.NotFound);
        Assert.That((await Http.DeleteAsync($"/api/v1/networks/{network}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Http.DeleteAsync($"/api/v1/hosts/{host}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Http.DeleteAsync($"/api/v1/tenants/{tenant}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Switches_are_empty_without_an_openflow_server_and_unknown_dpid_is_404()
    {
        var list = await Json(await Http.GetAsync("/api/v1/switches"));
        Assert.That(list.GetArrayLength(), Is.Zero);
        await Problem.AssertAsync(await Http.GetAsync("/api/v1/switches/0000000000000001"), HttpStatusCode.NotFound, detailContains: "0000000000000001");
        await Problem.AssertAsync(await Http.GetAsync("/api/v1/switches/0000000000000001/flows"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await Http.GetAsync("/api/v1/switches/not-hex"), HttpStatusCode.BadRequest, field: "dpid");
    }

    [Test]
    public async Task Healthz_answers_ok()
    {
        var body = await Json(await Http.GetAsync("/healthz"));
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("ok"));
    }

    // ------------------------------------------------------------ errors: each leaves the store unchanged

    [Test]
    public async Task Bad_json_is_a_400_problem_and_changes_nothing()
    {
        var (tenant, _, _) = await SeedAsync();
        var before = await ListingAsync();
        var response = await PostRawAsync("/api/v1/networks", $"{{\"tenantId\":\"{tenant}\",\"name\":");
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, detailContains: "JSON");
        Assert.That(problem.GetProperty("errors").EnumerateObject(), Is.Not.Empty);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Missing_body_unknown_member_and_wrong_content_type_are_problems()
    {
        var before = await ListingAsync();
        await Problem.AssertAsync(await PostRawAsync("/api/v1/tenants", ""), HttpStatusCode.BadRequest);
        await Problem.AssertAsync(await PostRawAsync("/api/v1/tenants", "{\"name\":\"x\",\"colour\":\"red\"}"), HttpStatusCode.BadRequest, field: "colour");
        var text = await Http.PostAsync("/api/v1/tenants", new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "text/plain"));
        await Problem.AssertAsync(text, HttpStatusCode.UnsupportedMediaType);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [TestCase("/api/v1/networks", "{\"tenantId\":\"TENANT\",\"name\":\"n\",\"segmentId\":\"abc\"}", "segmentId")]
    [TestCase("/api/v1/networks", "{\"tenantId\":\"TENANT\",\"name\":\"n\",\"segmentId\":1.5}", "segmentId")]
    [TestCase("/api/v1/networks", "{\"tenantId\":\"TENANT\",\"name\":\"n\",\"tunnelType\":\"ipsec\"}", "tunnelType")]
    [TestCase("/api/v1/networks", "{\"tenantId\":\"TENANT\",\"name\":\"n\",\"tunnelType\":1}", "tunnelType")]
    [TestCase("/api/v1/hosts", "{\"name\":\"h\",\"datapathId\":5,\"tunnelIp\":\"192.0.2.99\"}", "datapathId")]
    [TestCase("/api/v1/tenants", "{\"name\":[\"a\"]}", "name")]
    [TestCase("/api/v1/tenants", "[]", "body")]
    public async Task Wrong_json_types_are_a_400_problem_naming_the_field(string route, string body, string field)
    {
        var (tenant, _, _) = await SeedAsync();
        var before = await ListingAsync();
        var response = await PostRawAsync(route, body.Replace("TENANT", tenant, StringComparison.Ordinal));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field: field);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(16_777_216L)]
    [TestCase(99_999_999_999L)]
    public async Task Segment_id_out_of_range_is_a_400_validation_problem(long segmentId)
    {
        var (tenant, _, _) = await SeedAsync();
        var before = await ListingAsync();
        var response = await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "n2", segmentId });
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field: "segmentId");
        Assert.That(problem.GetProperty("errors").GetProperty("segmentId")[0].GetString(), Does.Contain("16777215"));
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Duplicate_segment_id_is_a_409_problem()
    {
        var (tenant, network, _) = await SeedAsync();
        var seg = (await Json(await Http.GetAsync($"/api/v1/networks/{network}"))).GetProperty("segmentId").GetUInt32();
        var before = await ListingAsync();
        var response = await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "other", segmentId = seg });
        await Problem.AssertAsync(response, HttpStatusCode.Conflict, field: "segmentId", detailContains: seg.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Duplicate_mac_in_a_network_is_a_409_problem()
    {
        var (_, network, host) = await SeedAsync();
        await CreateAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:00:00:00:00:42" });
        var before = await ListingAsync();
        var response = await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02-00-00-00-00-42" });
        await Problem.AssertAsync(response, HttpStatusCode.Conflict, field: "mac", detailContains: "02:00:00:00:00:42");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Invalid_field_values_are_a_400_validation_problem()
    {
        var (_, network, host) = await SeedAsync();
        var before = await ListingAsync();
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "zz:00:00:00:00:01" }),
            HttpStatusCode.BadRequest,
            field: "mac");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "03:00:00:00:00:01" }),
            HttpStatusCode.BadRequest,
            field: "mac");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:00:00:00:00:01", ip = "10.0.0.300" }),
            HttpStatusCode.BadRequest,
            field: "ip");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/hosts", new { name = "h", datapathId = "12345678901234567", tunnelIp = "::1" }),
            HttpStatusCode.BadRequest,
            field: "datapathId");
        await Problem.AssertAsync(await Http.PostAsJsonAsync("/api/v1/tenants", new { name = "  " }), HttpStatusCode.BadRequest, field: "name");
        await Problem.AssertAsync(
            await Http.PatchAsJsonAsync($"/api/v1/hosts/{host}", new { tunnelIp = "224.0.0.1" }),
            HttpStatusCode.BadRequest,
            field: "tunnelIp");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Unknown_references_are_a_400_problem_naming_the_field()
    {
        var (_, network, host) = await SeedAsync();
        var before = await ListingAsync();
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = "nope", hostId = host, mac = "02:00:00:00:00:01" }),
            HttpStatusCode.BadRequest,
            field: "networkId",
            detailContains: "nope");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = "nope", mac = "02:00:00:00:00:01" }),
            HttpStatusCode.BadRequest,
            field: "hostId");
        await Problem.AssertAsync(
            await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = "nope", name = "n" }),
            HttpStatusCode.BadRequest,
            field: "tenantId");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Unknown_ids_are_a_404_problem()
    {
        var before = await ListingAsync();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports" })
        {
            await Problem.AssertAsync(await Http.GetAsync($"/api/v1/{kind}/nope"), HttpStatusCode.NotFound, detailContains: "nope");
            await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/{kind}/nope"), HttpStatusCode.NotFound);
            await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/{kind}/nope", new { name = "x" }), HttpStatusCode.NotFound);
        }

        await Problem.AssertAsync(await Http.GetAsync("/api/v1/no-such-route"), HttpStatusCode.NotFound);
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Deletes_with_dependents_are_a_409_problem()
    {
        var (tenant, network, host) = await SeedAsync();
        await CreateAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:00:00:00:00:07" });
        var before = await ListingAsync();
        var t = await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/tenants/{tenant}"), HttpStatusCode.Conflict, detailContains: "network");
        Assert.That(t.GetProperty("title").GetString(), Does.Contain("Delete refused"));
        await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/networks/{network}"), HttpStatusCode.Conflict, detailContains: "port");
        await Problem.AssertAsync(await Http.DeleteAsync($"/api/v1/hosts/{host}"), HttpStatusCode.Conflict, detailContains: "port");
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    // ------------------------------------------------------------ helpers

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("n")[..8];

    private static int _hostCounter;

    private async Task<(string Tenant, string Network, string Host)> SeedAsync()
    {
        var n = Interlocked.Increment(ref _hostCounter);
        var tenant = await CreateAsync("/api/v1/tenants", new { name = Unique("t") });
        var network = await CreateAsync("/api/v1/networks", new { tenantId = tenant, name = "net", cidr = "10.20.0.0/16" });
        var host = await CreateAsync("/api/v1/hosts", new { name = Unique("hv"), datapathId = $"{0x1000 + n:x}", tunnelIp = $"198.51.100.{n}" });
        return (tenant, network, host);
    }

    private async Task<string> CreateAsync(string route, object body)
    {
        var response = await Http.PostAsJsonAsync(route, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> PostRawAsync(string route, string json) =>
        Http.PostAsync(route, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Everything the store holds, as the API lists it.</summary>
    private async Task<string> ListingAsync()
    {
        var sb = new StringBuilder();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports" })
        {
            var r = await Http.GetAsync($"/api/v1/{kind}");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            sb.Append(kind).Append('=').AppendLine(await r.Content.ReadAsStringAsync());
        }

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
