using System.Net;
using System.Net.Http.Json;

namespace Controller.Tests.Api;

/// <summary>What the API stored is there after the host stops and a new one opens the same store file.</summary>
[TestFixture]
public sealed class RestRestartTests
{
    [Test]
    public async Task Data_survives_a_host_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-restart-" + Guid.NewGuid().ToString("n"));
        try
        {
            string before;
            await using (var first = await ControllerTestHost.StartAsync(directory: dir))
            {
                var tenant = await IdAsync(await first.Client.PostAsJsonAsync("/api/v1/tenants", new { name = "acme" }));
                var network = await IdAsync(await first.Client.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "web", segmentId = 300 }));
                var host = await IdAsync(await first.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "hv1", datapathId = "ffffffffffffffff", tunnelIp = "10.0.0.1" }));
                await IdAsync(await first.Client.PostAsJsonAsync("/api/v1/ports", new { networkId = network, hostId = host, mac = "02:00:00:00:00:01" }));
                before = await ListingAsync(first.Client);
            }

            await using var second = await ControllerTestHost.StartAsync(directory: dir);
            Assert.That(await ListingAsync(second.Client), Is.EqualTo(before));
            Assert.That(before, Does.Contain("ffffffffffffffff").And.Contain("\"vlan\":1").And.Contain("\"segmentId\":300"));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private static async Task<string> ListingAsync(HttpClient client)
    {
        var parts = new List<string>();
        foreach (var kind in new[] { "tenants", "networks", "hosts", "ports" })
        {
            parts.Add(await client.GetStringAsync($"/api/v1/{kind}"));
        }

        return string.Join("\n", parts);
    }

    private sealed record IdOnly(string Id);
}
