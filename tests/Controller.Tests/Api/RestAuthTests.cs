using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Controller.Tests.Api;

/// <summary>With <c>Rest:Token</c> configured, writes need the bearer token and reads stay open.</summary>
[TestFixture]
public sealed class RestAuthTests
{
    private const string Token = "s3cret-token";
    private ControllerTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ControllerTestHost.StartAsync(Token);

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task Write_without_token_is_401_with_bearer_challenge_and_changes_nothing()
    {
        var before = await ListingAsync();
        var response = await _host.Client.PostAsJsonAsync("/api/v1/tenants", new { name = "nope" });
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, detailContains: "Bearer");
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Is.EqualTo(new[] { "Bearer" }));
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Write_with_wrong_token_is_401_invalid_token_and_changes_nothing()
    {
        using var wrong = _host.AuthorizedClient("not-it");
        var before = await ListingAsync();
        var response = await wrong.PostAsJsonAsync("/api/v1/tenants", new { name = "nope" });
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
        Assert.That(response.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("invalid_token"));
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Right_token_writes_and_reads_need_none()
    {
        using var authorized = _host.AuthorizedClient(Token);
        var created = await authorized.PostAsJsonAsync("/api/v1/tenants", new { name = "ok-" + Guid.NewGuid().ToString("n") });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.Content.ReadFromJsonAsync<TenantDto>())!.Id;

        Assert.That((await _host.Client.GetAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Problem.AssertAsync(await _host.Client.DeleteAsync($"/api/v1/tenants/{id}"), HttpStatusCode.Unauthorized);
        Assert.That((await _host.Client.GetAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still there");
        Assert.That((await authorized.DeleteAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Tunnel_port_writes_need_the_token()
    {
        using var authorized = _host.AuthorizedClient(Token);
        var hosts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var h = await authorized.PostAsJsonAsync("/api/v1/hosts", new { name = "tp-" + Guid.NewGuid().ToString("n"), datapathId = $"{0x9100 + i:x}", tunnelIp = $"192.0.2.{200 + i}" });
            Assert.That(h.StatusCode, Is.EqualTo(HttpStatusCode.Created), await h.Content.ReadAsStringAsync());
            hosts.Add((await h.Content.ReadFromJsonAsync<TenantDto>())!.Id);
        }

        var before = await ListingAsync();
        var body = new { hostId = hosts[0], portName = "tun-auth", remoteHostId = hosts[1] };
        await Problem.AssertAsync(await _host.Client.PostAsJsonAsync("/api/v1/tunnel-ports", body), HttpStatusCode.Unauthorized);
        Assert.That(await ListingAsync(), Is.EqualTo(before));

        var created = await authorized.PostAsJsonAsync("/api/v1/tunnel-ports", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<TenantDto>())!.Id;
        Assert.That((await _host.Client.GetAsync($"/api/v1/tunnel-ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads need no token");
        await Problem.AssertAsync(await _host.Client.DeleteAsync($"/api/v1/tunnel-ports/{id}"), HttpStatusCode.Unauthorized);
        Assert.That((await authorized.DeleteAsync($"/api/v1/tunnel-ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    private async Task<string> ListingAsync()
    {
        var sb = new StringBuilder();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports", "tunnel-ports" })
        {
            var r = await _host.Client.GetAsync($"/api/v1/{kind}");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads need no token");
            sb.AppendLine(await r.Content.ReadAsStringAsync());
        }

        return sb.ToString();
    }

    private sealed record TenantDto(string Id, string Name);
}
