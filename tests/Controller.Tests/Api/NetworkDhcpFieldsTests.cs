using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Controller.Tests.Api;

/// <summary>A network's DHCP fields (gateway, dnsServers, the derived dhcpServer) over real HTTP.</summary>
[TestFixture]
public sealed class NetworkDhcpFieldsTests
{
    private ControllerTestHost _host = null!;

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ControllerTestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task GatewayAndDns_AreStoredAndShown_WithTheVirtualDhcpServer()
    {
        var tenant = await TenantAsync();
        var created = await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "web", cidr = "10.9.0.0/24", gateway = "10.9.0.1", dnsServers = new[] { "10.9.0.53", "9.9.9.9" } });
        var n = await Json(created);
        var again = await Json(await Http.GetAsync($"/api/v1/networks/{n.GetProperty("id").GetString()}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            foreach (var x in new[] { n, again })
            {
                Assert.That(x.GetProperty("gateway").GetString(), Is.EqualTo("10.9.0.1"));
                Assert.That(x.GetProperty("dnsServers").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "10.9.0.53", "9.9.9.9" }));
                Assert.That(x.GetProperty("dhcpServer").GetString(), Is.EqualTo("10.9.0.254"), "the prefix's last usable address");
            }
        }
    }

    [Test]
    public async Task WithoutCidr_ThereIsNoDhcpServer()
    {
        var n = await Json(await Http.PostAsJsonAsync("/api/v1/networks", new { tenantId = await TenantAsync(), name = "plain" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(n.GetProperty("dhcpServer").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(n.GetProperty("gateway").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(n.GetProperty("dnsServers").GetArrayLength(), Is.Zero);
        }
    }

    [TestCase("{\"name\":\"x\",\"gateway\":\"10.9.0.1\"}", "gateway", TestName = "gateway without cidr")]
    [TestCase("{\"name\":\"x\",\"cidr\":\"10.9.0.0/24\",\"gateway\":\"10.8.0.1\"}", "gateway", TestName = "gateway outside the prefix")]
    [TestCase("{\"name\":\"x\",\"cidr\":\"10.9.0.0/24\",\"gateway\":\"10.9.0.0\"}", "gateway", TestName = "gateway is the network address")]
    [TestCase("{\"name\":\"x\",\"cidr\":\"10.9.0.0/24\",\"gateway\":\"10.9.0.255\"}", "gateway", TestName = "gateway is the broadcast address")]
    [TestCase("{\"name\":\"x\",\"cidr\":\"10.9.0.0/24\",\"gateway\":\"ten\"}", "gateway", TestName = "gateway not an address")]
    [TestCase("{\"name\":\"x\",\"dnsServers\":[\"1.1.1.1\",\"::1\"]}", "dnsServers[1]", TestName = "dns not IPv4")]
    [TestCase("{\"name\":\"x\",\"dnsServers\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}", "dnsServers", TestName = "more than 8 dns servers")]
    public async Task BadDhcpFields_Are400NamingTheField_AndStoreNothing(string partialBody, string field)
    {
        var tenant = await TenantAsync();
        var before = await Http.GetStringAsync("/api/v1/networks");
        var body = "{\"tenantId\":\"" + tenant + "\"," + partialBody[1..];

        var response = await Http.PostAsync("/api/v1/networks", new StringContent(body, Encoding.UTF8, "application/json"));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field: field);
        Assert.That(await Http.GetStringAsync("/api/v1/networks"), Is.EqualTo(before));
    }

    private async Task<string> TenantAsync() =>
        (await Json(await Http.PostAsJsonAsync("/api/v1/tenants", new { name = "t-" + Guid.NewGuid().ToString("n")[..8] }))).GetProperty("id").GetString()!;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
