using Tests.Shared;
using System.Text.Json;
using Controller.Web;

namespace Web.Tests;

/// <summary>GET /api/v1/events over real HTTP, and the per-client bound of the fan-out.</summary>
[TestFixture]
public sealed class LiveEventsTests
{
    [Test]
    public async Task Stream_says_hello_then_one_store_event_per_write_with_the_new_version()
    {
        await using var host = await WebHost.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await host.Client.GetAsync(new Uri("/api/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var hello = await NextEventAsync(reader, cts.Token);
        Assert.That(hello.Kind, Is.EqualTo("hello"));
        var tenant = await host.CreateAsync("tenants", new { name = "acme" });
        var afterTenant = await NextEventAsync(reader, cts.Token);
        await host.CreateAsync("networks", new { tenantId = tenant, name = "web" });
        var afterNetwork = await NextEventAsync(reader, cts.Token);

        Assert.Multiple(() =>
        {
            Assert.That(afterTenant.Kind, Is.EqualTo("store"));
            Assert.That(afterTenant.Version, Is.EqualTo(hello.Version), "tenants are not part of a snapshot");
            Assert.That(afterNetwork.Kind, Is.EqualTo("store"));
            Assert.That(afterNetwork.Version, Is.EqualTo(hello.Version + 1));
            Assert.That(afterNetwork.Dropped, Is.Zero);
        });
    }

    [Test]
    public async Task A_client_that_goes_away_is_unregistered()
    {
        await using var host = await WebHost.StartAsync();
        var hub = host.Service<LiveEvents>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            using var response = await host.Client.GetAsync(new Uri("/api/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            await NextEventAsync(reader, cts.Token);
            Assert.That(hub.ClientCount, Is.EqualTo(1));
        }

        await Poll.UntilAsync(() => hub.ClientCount == 0, TimeSpan.FromSeconds(10), "the hub to drop the client that went away");
    }

    [Test]
    public async Task A_slow_client_keeps_only_the_newest_events_and_counts_the_rest()
    {
        await using var host = await WebHost.StartAsync();
        var hub = host.Service<LiveEvents>();
        using var slow = hub.Connect();
        using var other = hub.Connect();
        const int published = 100;
        for (var i = 1; i <= published; i++)
        {
            hub.Publish(new LiveEvent("store", 1000 + i, null));
            if (other.Reader.TryRead(out var e))
            {
                Assert.That(e.Kind, Is.Not.Null);
            }
        }

        var kept = new List<LiveEvent>();
        while (slow.Reader.TryRead(out var e))
        {
            kept.Add(e);
        }

        Assert.Multiple(() =>
        {
            Assert.That(kept, Has.Count.EqualTo(LiveEvents.ClientQueueCapacity));
            Assert.That(kept[^1].Version, Is.EqualTo(1000 + published), "the newest event survives");
            Assert.That(slow.Dropped, Is.EqualTo(published + 1 - LiveEvents.ClientQueueCapacity), "hello plus 100, minus what fits");
            Assert.That(other.Dropped, Is.Zero, "a client that reads loses nothing");
        });
        slow.Dispose();
        Assert.That(hub.ClientCount, Is.EqualTo(1));
        var metrics = await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Contain($"ofcontroller_web_events_dropped_total {published + 1 - LiveEvents.ClientQueueCapacity}"));
    }

    private sealed record Event(string Kind, long Version, long Dropped);

    private static async Task<Event> NextEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? kind = null;
        string? data = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
            else if (line.Length == 0 && data is not null)
            {
                if (kind == "ping")
                {
                    kind = data = null;
                    continue;
                }

                using var doc = JsonDocument.Parse(data);
                var root = doc.RootElement;
                Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo(kind));
                return new Event(kind!, root.GetProperty("version").GetInt64(), root.GetProperty("dropped").GetInt64());
            }
        }

        throw new AssertionException("the event stream ended");
    }
}
