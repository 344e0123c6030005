using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Controller.Tests.Api;

/// <summary>
/// MTU per network and per host over HTTP (global underlay 1600): the effective MTU is the smallest over the
/// hosts a network spans of their underlay less the tunnel's overhead for their IP version; a configured MTU
/// must fit every such host, and no write (network, port, host) may break that. Every refusal changes nothing.
/// Also the ports' IPv6 addresses.
/// </summary>
[TestFixture]
public sealed class NetworkMtuEndpointsTests
{
    private ControllerTestHost _host = null!;
    private int _next;

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _host = await ControllerTestHost.StartAsync(configure: b => b.Configuration["Plumbing:UnderlayMtu"] = "1600");

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task The_effective_mtu_is_the_smallest_over_the_hosts_a_network_spans()
    {
        var tenant = await TenantAsync();
        var small = await HostAsync(underlayMtu: 1500);                       // IPv4, 1500
        var big6 = await HostAsync(v6: true);                                 // IPv6, the global 1600
        var vx = await PostOkAsync("networks", new { tenantId = tenant, name = "vx" });
        var gre = await PostOkAsync("networks", new { tenantId = tenant, name = "gre", tunnelType = "gre" });
        var gnv = await PostOkAsync("networks", new { tenantId = tenant, name = "gnv", tunnelType = "geneve" });
        using (Assert.EnterMultipleScope())
        {
            Assert.That((Int(vx, "mtu"), Int(vx, "maxMtu")), Is.EqualTo((1550, 1550)), "no host yet: the global 1600 over IPv4 less 50");
            Assert.That(vx.GetProperty("configuredMtu").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(Int(small, "underlayMtu"), Is.EqualTo(1500));
            Assert.That(Int(small, "configuredUnderlayMtu"), Is.EqualTo(1500));
            Assert.That(Int(big6, "underlayMtu"), Is.EqualTo(1600), "no underlayMtu of its own: Plumbing:UnderlayMtu");
            Assert.That(big6.GetProperty("configuredUnderlayMtu").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }

        await PortAsync(Id(gre), Id(big6));
        await PortAsync(Id(gnv), Id(big6));
        await PortAsync(Id(vx), Id(big6));
        Assert.That(Int(await GetOkAsync($"networks/{Id(vx)}"), "mtu"), Is.EqualTo(1530), "1600 over IPv6 less 70");
        await PortAsync(Id(vx), Id(small));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Int(await GetOkAsync($"networks/{Id(vx)}"), "mtu"), Is.EqualTo(1450), "and the 1500 host over IPv4 less 50 is smaller");
            Assert.That(Int(await GetOkAsync($"networks/{Id(gre)}"), "mtu"), Is.EqualTo(1538), "GRE over IPv6: 62");
            Assert.That(Int(await GetOkAsync($"networks/{Id(gnv)}"), "mtu"), Is.EqualTo(1530), "Geneve over IPv6, no options: 70");
        }
    }

    [Test]
    public async Task A_configured_mtu_is_shown_and_must_fit_every_host_the_network_spans()
    {
        var tenant = await TenantAsync();
        var small = await HostAsync(underlayMtu: 1500);
        var big = await HostAsync(underlayMtu: 9000);
        var jumbo = await PostOkAsync("networks", new { tenantId = tenant, name = "jumbo", mtu = 8950 });
        Assert.That((Int(jumbo, "mtu"), Int(jumbo, "configuredMtu")), Is.EqualTo((8950, 8950)), "a network on no host yet is checked when a port arrives");
        await PortAsync(Id(jumbo), Id(big));

        var before = await SnapshotAsync();
        await Problem.AssertAsync(await PortRawAsync(Id(jumbo), Id(small)), HttpStatusCode.Conflict, field: "hostId", detailContains: "1450");
        await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/networks/{Id(jumbo)}", new { mtu = 8951 }), HttpStatusCode.Conflict, field: "mtu", detailContains: "8950");
        await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/hosts/{Id(big)}", new { underlayMtu = 8999 }), HttpStatusCode.Conflict, field: "underlayMtu");
        await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/hosts/{Id(big)}", new { underlayMtu = 0 }), HttpStatusCode.Conflict, field: "underlayMtu", detailContains: "1600");
        await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/hosts/{Id(big)}", new { tunnelIp = $"fd00:99::{++_next:x}" }), HttpStatusCode.Conflict, field: "tunnelIp", detailContains: "IPv6");
        Assert.That(await SnapshotAsync(), Is.EqualTo(before), "nothing half-written");

        var lowered = await PatchOkAsync($"networks/{Id(jumbo)}", new { mtu = 1400 });
        Assert.That((Int(lowered, "mtu"), Int(lowered, "configuredMtu"), Int(lowered, "maxMtu"), lowered.GetProperty("name").GetString()), Is.EqualTo((1400, 1400, 8950, "jumbo")), "mtu alone changes, the name stays");
        await PortAsync(Id(jumbo), Id(small));
        Assert.That(Int(await GetOkAsync($"networks/{Id(jumbo)}"), "maxMtu"), Is.EqualTo(1450));
        var cleared = await PatchOkAsync($"networks/{Id(jumbo)}", new { mtu = 0 });
        Assert.That((Int(cleared, "mtu"), cleared.GetProperty("configuredMtu").ValueKind), Is.EqualTo((1450, JsonValueKind.Null)), "0 clears it");
        var back = await PatchOkAsync($"hosts/{Id(small)}", new { underlayMtu = 0 });
        Assert.That(back.GetProperty("configuredUnderlayMtu").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(Int(await GetOkAsync($"networks/{Id(jumbo)}"), "mtu"), Is.EqualTo(1550), "the host follows Plumbing:UnderlayMtu again");
    }

    [TestCase("networks", "{\"name\":\"m\",\"mtu\":67}", "mtu")]
    [TestCase("networks", "{\"name\":\"m\",\"mtu\":65494}", "mtu")]
    [TestCase("networks", "{\"name\":\"m\",\"mtu\":-1}", "mtu")]
    [TestCase("networks", "{\"name\":\"m\",\"mtu\":1400.5}", null)]
    [TestCase("hosts", "{\"name\":\"h\",\"datapathId\":\"77\",\"tunnelIp\":\"198.51.100.77\",\"underlayMtu\":625}", "underlayMtu")]
    [TestCase("hosts", "{\"name\":\"h\",\"datapathId\":\"77\",\"tunnelIp\":\"198.51.100.77\",\"underlayMtu\":65536}", "underlayMtu")]
    public async Task Bad_mtus_are_a_400_naming_the_field_and_change_nothing(string route, string json, string? field)
    {
        var tenant = await TenantAsync();
        var before = await SnapshotAsync();
        var body = route == "networks" ? json.Replace("{", $"{{\"tenantId\":\"{tenant}\",", StringComparison.Ordinal) : json;
        await Problem.AssertAsync(await Http.PostAsync($"/api/v1/{route}", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, field: field);
        Assert.That(await SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Ports_carry_an_optional_ipv6_address_unique_in_their_network()
    {
        var tenant = await TenantAsync();
        var host = await HostAsync();
        var net = Id(await PostOkAsync("networks", new { tenantId = tenant, name = "six" }));
        var port = await PostOkAsync("ports", new { networkId = net, hostId = Id(host), mac = Mac(), ipv6 = "fd00:0:0:0::0a" });
        Assert.That(port.GetProperty("ipv6").GetString(), Is.EqualTo("fd00::a"), "compressed text form");
        var ll = await PostOkAsync("ports", new { networkId = net, hostId = Id(host), mac = Mac(), ipv6 = "fe80::2" });
        var patched = await PatchOkAsync($"ports/{Id(ll)}", new { ipv6 = "fd00::b" });
        Assert.That(patched.GetProperty("ipv6").GetString(), Is.EqualTo("fd00::b"));

        var before = await SnapshotAsync();
        foreach (var bad in new[] { "ff02::1", "::", "::1", "::ffff:10.0.0.1", "fe80::1%eth0", "10.0.0.1", "fd00::g" })
        {
            await Problem.AssertAsync(await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = Id(host), mac = Mac(), ipv6 = bad }), HttpStatusCode.BadRequest, field: "ipv6");
        }

        await Problem.AssertAsync(await Http.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = Id(host), mac = Mac(), ipv6 = "fd00::a" }), HttpStatusCode.Conflict, field: "ipv6");
        await Problem.AssertAsync(await Http.PatchAsJsonAsync($"/api/v1/ports/{Id(ll)}", new { ipv6 = "fd00::a" }), HttpStatusCode.Conflict, field: "ipv6");
        Assert.That(await SnapshotAsync(), Is.EqualTo(before));
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private string Mac() => $"02:00:5e:00:{(++_next >> 8) & 0xff:x2}:{_next & 0xff:x2}";

    private async Task<string> TenantAsync() => Id(await PostOkAsync("tenants", new { name = "t-" + Guid.NewGuid().ToString("n")[..8] }));

    private Task<JsonElement> HostAsync(int? underlayMtu = null, bool v6 = false)
    {
        var n = ++_next;
        var ip = v6 ? $"fd00:77::{n:x}" : $"198.51.{n >> 8}.{n & 0xff}";
        return PostOkAsync("hosts", new { name = $"hv-{Guid.NewGuid():n}"[..12], datapathId = $"{0xa000 + n:x}", tunnelIp = ip, underlayMtu });
    }

    private Task<HttpResponseMessage> PortRawAsync(string network, string host) =>
        Http.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = Mac() });

    private async Task PortAsync(string network, string host) => await Ok(await PortRawAsync(network, host));

    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var route in new[] { "networks", "hosts", "ports" })
        {
            parts.Add(await Http.GetStringAsync(new Uri($"/api/v1/{route}", UriKind.Relative)));
        }

        return string.Join("\n", parts);
    }

    private async Task<JsonElement> PostOkAsync(string route, object body) => await Ok(await Http.PostAsJsonAsync($"/api/v1/{route}", body));

    private async Task<JsonElement> PatchOkAsync(string route, object body) => await Ok(await Http.PatchAsJsonAsync($"/api/v1/{route}", body));

    private async Task<JsonElement> GetOkAsync(string route) => await Ok(await Http.GetAsync(new Uri($"/api/v1/{route}", UriKind.Relative)));

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
