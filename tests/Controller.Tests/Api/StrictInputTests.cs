using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Controller.Tests.Api;

/// <summary>
/// Every REST field is read strictly: a value that a lenient parser would reinterpret is a 400 that names
/// the field, and nothing is stored.
/// </summary>
[TestFixture]
public sealed class StrictInputTests
{
    private ControllerTestHost _host = null!;
    private string _tenant = "";
    private string _network = "";
    private string _host1 = "";
    private string _host2 = "";

    private HttpClient Http => _host.Client;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await ControllerTestHost.StartAsync();
        _tenant = await CreateAsync("/api/v1/tenants", new { name = "strict" });
        _network = await CreateAsync("/api/v1/networks", new { tenantId = _tenant, name = "net", cidr = "10.30.0.0/24" });
        _host1 = await CreateAsync("/api/v1/hosts", new { name = "hv-strict-1", datapathId = "a1", tunnelIp = "192.0.2.201" });
        _host2 = await CreateAsync("/api/v1/hosts", new { name = "hv-strict-2", datapathId = "a2", tunnelIp = "192.0.2.202" });
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCase("010.000.000.001", TestName = "leading zeros (octal to a lenient parser: 8.0.0.1)")]
    [TestCase("10.30.0.010", TestName = "one leading zero")]
    [TestCase("0x0a.30.0.5", TestName = "hex")]
    [TestCase("10.30.5", TestName = "three parts")]
    [TestCase("10.30.0.5.1", TestName = "five parts")]
    [TestCase("10.30.0.256", TestName = "part above 255")]
    [TestCase(" 10.30.0.5", TestName = "leading space")]
    [TestCase("10.30.0.5 ", TestName = "trailing space")]
    [TestCase("10.30.0.", TestName = "empty last part")]
    [TestCase("169090565", TestName = "one number")]
    [TestCase("::ffff:10.30.0.5", TestName = "IPv6-mapped")]
    public async Task PortIp_OnlyDottedDecimal(string ip) =>
        await RefusedAsync("/api/v1/ports", $"{{\"networkId\":\"{_network}\",\"hostId\":\"{_host1}\",\"mac\":\"02:00:00:00:77:01\",\"ip\":\"{ip}\"}}", "ip");

    [TestCase("10.30.0.0", TestName = "the network address")]
    [TestCase("10.30.0.255", TestName = "the broadcast address")]
    [TestCase("10.31.0.5", TestName = "outside the prefix")]
    public async Task PortIp_MustBeAHostAddressOfTheNetwork(string ip) =>
        await RefusedAsync("/api/v1/ports", $"{{\"networkId\":\"{_network}\",\"hostId\":\"{_host1}\",\"mac\":\"02:00:00:00:77:02\",\"ip\":\"{ip}\"}}", "ip");

    [TestCase("127.0.0.9", TestName = "loopback")]
    [TestCase("224.0.0.5", TestName = "multicast")]
    [TestCase("0.0.0.0", TestName = "unspecified")]
    [TestCase("0.1.2.3", TestName = "this network (0/8)")]
    [TestCase("255.255.255.255", TestName = "broadcast")]
    [TestCase("192.000.2.9", TestName = "leading zeros")]
    public async Task TunnelIp_MustBeAUnicastEndpoint(string ip) =>
        await RefusedAsync("/api/v1/hosts", $"{{\"name\":\"hv-x\",\"datapathId\":\"b7\",\"tunnelIp\":\"{ip}\"}}", "tunnelIp");

    [TestCase("::1", TestName = "IPv6 loopback")]
    [TestCase("::", TestName = "IPv6 unspecified")]
    [TestCase("ff02::1", TestName = "IPv6 multicast")]
    [TestCase("fe80::1", TestName = "IPv6 link-local")]
    [TestCase("fd00::1%eth0", TestName = "IPv6 with a zone")]
    [TestCase("::ffff:192.0.2.9", TestName = "IPv4-mapped IPv6")]
    [TestCase("fd00:::1", TestName = "IPv6 malformed")]
    public async Task TunnelIp_Ipv6MustBeAUnicastEndpoint(string ip) =>
        await RefusedAsync("/api/v1/hosts", $"{{\"name\":\"hv-x6\",\"datapathId\":\"b8\",\"tunnelIp\":\"{ip}\"}}", "tunnelIp");

    [Test]
    public async Task Ipv6TunnelEndpoints_AndGeneveNetworks_AreAccepted()
    {
        var host = await Http.PostAsync("/api/v1/hosts", Json("{\"name\":\"hv-v6\",\"datapathId\":\"b9\",\"tunnelIp\":\"fd00:77::9\"}"));
        var net = await Http.PostAsync("/api/v1/networks", Json($"{{\"tenantId\":\"{_tenant}\",\"name\":\"gnv\",\"tunnelType\":\"geneve\"}}"));
        var hostText = await host.Content.ReadAsStringAsync();
        var netText = await net.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(host.StatusCode, Is.EqualTo(HttpStatusCode.Created), hostText);
            Assert.That(hostText, Does.Contain("\"tunnelIp\":\"fd00:77::9\""));
            Assert.That(net.StatusCode, Is.EqualTo(HttpStatusCode.Created), netText);
            Assert.That(netText, Does.Contain("\"tunnelType\":\"geneve\""));
        }
    }

    [TestCase("\"VXLAN\"", TestName = "upper case")]
    [TestCase("\"Vxlan\"", TestName = "capitalised")]
    [TestCase("\"vxlan \"", TestName = "trailing space")]
    [TestCase("\"0\"", TestName = "number as string")]
    [TestCase("0", TestName = "number")]
    public async Task TunnelType_OnlyTheDocumentedSpelling(string value) =>
        await RefusedAsync("/api/v1/networks", $"{{\"tenantId\":\"{_tenant}\",\"name\":\"n-enum\",\"tunnelType\":{value}}}", "tunnelType");

    [Test]
    public async Task DuplicateKeys_AreRefused() =>
        await RefusedAsync("/api/v1/tenants", "{\"name\":\"dup-a\",\"name\":\"dup-b\"}", "name");

    [TestCase("{\"Name\":\"case-a\"}", "Name", TestName = "capitalised key")]
    [TestCase("{\"NAME\":\"case-b\"}", "NAME", TestName = "upper-case key")]
    public async Task KeysDifferingOnlyInCase_AreRefused(string body, string field) =>
        await RefusedAsync("/api/v1/tenants", body, field);

    [TestCase("bell\\u0007", TestName = "BEL")]
    [TestCase("new\\nline", TestName = "newline")]
    [TestCase("nul\\u0000", TestName = "NUL")]
    [TestCase("esc\\u001b[31m", TestName = "terminal escape")]
    public async Task Names_WithoutControlCharacters(string name) =>
        await RefusedAsync("/api/v1/tenants", $"{{\"name\":\"{name}\"}}", "name");

    [TestCase("10.30.0.1/24", TestName = "host bits set")]
    [TestCase("10.30.0.0/33", TestName = "prefix too long")]
    [TestCase("010.30.0.0/24", TestName = "leading zero")]
    public async Task Cidr_MustBeAPrefix(string cidr) =>
        await RefusedAsync("/api/v1/networks", $"{{\"tenantId\":\"{_tenant}\",\"name\":\"n-cidr\",\"cidr\":\"{cidr}\"}}", "cidr");

    [Test]
    public async Task TunnelPortName_IsAtMost15Bytes_NotCharacters()
    {
        // 8 characters, 16 bytes in UTF-8: longer than an OVS interface name may be.
        await RefusedAsync("/api/v1/tunnel-ports", $"{{\"hostId\":\"{_host1}\",\"portName\":\"tünnélé1\u00e9\u00e9\u00e9\",\"remoteHostId\":\"{_host2}\",\"tunnelType\":\"vxlan\"}}", "portName");
        var ok = await Http.PostAsync("/api/v1/tunnel-ports", Json($"{{\"hostId\":\"{_host1}\",\"portName\":\"tun-15-bytes-ok\",\"remoteHostId\":\"{_host2}\",\"tunnelType\":\"vxlan\"}}"));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.Created), await ok.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ValidValues_StillPass()
    {
        var port = await Http.PostAsync("/api/v1/ports", Json($"{{\"networkId\":\"{_network}\",\"hostId\":\"{_host1}\",\"mac\":\"02:00:00:00:77:09\",\"ip\":\"10.30.0.254\"}}"));
        var net = await Http.PostAsync("/api/v1/networks", Json($"{{\"tenantId\":\"{_tenant}\",\"name\":\"gre-ok\",\"tunnelType\":\"gre\",\"cidr\":\"0.0.0.0/0\"}}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(port.StatusCode, Is.EqualTo(HttpStatusCode.Created), await port.Content.ReadAsStringAsync());
            Assert.That(net.StatusCode, Is.EqualTo(HttpStatusCode.Created), await net.Content.ReadAsStringAsync());
        }
    }

    private async Task RefusedAsync(string route, string body, string field)
    {
        var before = await ListingAsync();
        var response = await Http.PostAsync(route, Json(body));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field: field);
        Assert.That(await ListingAsync(), Is.EqualTo(before), "a refused write must change nothing");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<string> ListingAsync()
    {
        var sb = new StringBuilder();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports", "tunnel-ports" })
        {
            sb.Append(kind).Append('=').AppendLine(await Http.GetStringAsync($"/api/v1/{kind}"));
        }

        return sb.ToString();
    }

    private async Task<string> CreateAsync(string route, object body)
    {
        var response = await Http.PostAsJsonAsync(route, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
