using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Controller.Tests.Api;

/// <summary>
/// With <c>Rest:Token</c> (write) and <c>Rest:ReadToken</c> (read) configured, writes need the write token,
/// reads either token, and nothing under /api is open; /healthz stays open.
/// </summary>
[TestFixture]
public sealed class RestAuthTests
{
    private const string Token = "s3cret-token";
    private const string ReadToken = "r3ad-only-token";
    private ControllerTestHost _host = null!;
    private HttpClient _reader = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await ControllerTestHost.StartAsync(Token, extraArgs: [$"--Rest:ReadToken={ReadToken}"]);
        _reader = _host.AuthorizedClient(ReadToken);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _reader.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Reads_without_a_token_are_401_and_healthz_stays_open()
    {
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/tenants"), HttpStatusCode.Unauthorized, detailContains: "read");
        await Problem.AssertAsync(await _host.Client.GetAsync("/metrics"), HttpStatusCode.Unauthorized);
        using var wrong = _host.AuthorizedClient("guess");
        await Problem.AssertAsync(await wrong.GetAsync("/api/v1/hosts"), HttpStatusCode.Unauthorized);
        Assert.That((await _host.Client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _reader.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Read_token_on_a_write_is_403_insufficient_scope_and_changes_nothing()
    {
        var before = await ListingAsync();
        var response = await _reader.PostAsJsonAsync("/api/v1/tenants", new { name = "reader-write" });
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden, detailContains: "write");
        Assert.That(response.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("insufficient_scope"));
        Assert.That(await ListingAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_token_prefix_or_extension_is_not_the_token()
    {
        foreach (var near in new[] { Token[..^1], Token + "x", Token.ToUpperInvariant(), ReadToken + Token })
        {
            using var c = _host.AuthorizedClient(near);
            await Problem.AssertAsync(await c.GetAsync("/api/v1/tenants"), HttpStatusCode.Unauthorized);
        }
    }

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
    public async Task Write_token_writes_and_either_token_reads()
    {
        using var authorized = _host.AuthorizedClient(Token);
        var created = await authorized.PostAsJsonAsync("/api/v1/tenants", new { name = "ok-" + Guid.NewGuid().ToString("n") });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.Content.ReadFromJsonAsync<TenantDto>())!.Id;

        Assert.That((await _reader.GetAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await authorized.GetAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "write scope includes read");
        await Problem.AssertAsync(await _host.Client.DeleteAsync($"/api/v1/tenants/{id}"), HttpStatusCode.Unauthorized);
        Assert.That((await _reader.GetAsync($"/api/v1/tenants/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still there");
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
        Assert.That((await _reader.GetAsync($"/api/v1/tunnel-ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Problem.AssertAsync(await _host.Client.DeleteAsync($"/api/v1/tunnel-ports/{id}"), HttpStatusCode.Unauthorized);
        Assert.That((await authorized.DeleteAsync($"/api/v1/tunnel-ports/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    private async Task<string> ListingAsync()
    {
        var sb = new StringBuilder();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports", "tunnel-ports" })
        {
            var r = await _reader.GetAsync($"/api/v1/{kind}");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            sb.AppendLine(await r.Content.ReadAsStringAsync());
        }

        return sb.ToString();
    }

    private sealed record TenantDto(string Id, string Name);
}
