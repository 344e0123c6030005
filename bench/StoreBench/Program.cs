using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

// REST write benchmark of the tenant store: N port creations (POST /api/v1/ports) with C in flight,
// spread round-robin over one or more controllers that share a store. Prints one markdown table row:
// | label | controllers | writes | concurrency | p50 ms | p99 ms | max ms | writes/s |
// Usage: storebench --label L --url http://127.0.0.1:8080 [--url ...] [--writes 1000] [--concurrency 8] [--warmup 50]
var urls = new List<Uri>();
var label = "store";
var writes = 1000;
var concurrency = 8;
var warmup = 50;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--url": urls.Add(new Uri(args[++i])); break;
        case "--label": label = args[++i]; break;
        case "--writes": writes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

if (urls.Count == 0)
{
    Console.Error.WriteLine("usage: storebench --label L --url U [--url U2] [--writes N] [--concurrency C] [--warmup W]");
    return 2;
}

var clients = urls.Select(u => new HttpClient { BaseAddress = u, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
var run = Guid.NewGuid().ToString("N")[..8];
var tenant = await PostIdAsync(clients[0], "/api/v1/tenants", new { name = "bench-" + run });
var network = await PostIdAsync(clients[0], "/api/v1/networks", new { tenantId = tenant, name = "bench", tunnelType = "vxlan" });
var hosts = new List<string>();
for (var h = 0; h < 10; h++)
{
    hosts.Add(await PostIdAsync(clients[0], "/api/v1/hosts", new { name = $"bench-{run}-{h}", datapathId = (0xbe00 + h).ToString("x", CultureInfo.InvariantCulture), tunnelIp = $"198.51.100.{h + 1}" }));
}

// Every controller must see the network and hosts before the clock starts.
foreach (var c in clients.Skip(1))
{
    var sw = Stopwatch.StartNew();
    while ((await c.GetFromJsonAsync<JsonElement>("/api/v1/hosts")).GetArrayLength() < hosts.Count)
    {
        if (sw.Elapsed > TimeSpan.FromSeconds(30))
        {
            Console.Error.WriteLine("the other controller did not see the hosts within 30 s");
            return 1;
        }

        await Task.Delay(20);
    }
}

var next = 0;
async Task<double[]> RunAsync(int count)
{
    var latencies = new double[count];
    using var gate = new SemaphoreSlim(concurrency);
    var tasks = Enumerable.Range(0, count).Select(async _ =>
    {
        await gate.WaitAsync();
        try
        {
            var n = Interlocked.Increment(ref next);
            var client = clients[n % clients.Length];
            var body = new { networkId = network, hostId = hosts[n % hosts.Count], mac = string.Create(CultureInfo.InvariantCulture, $"02:be:00:{(n >> 16) & 0xff:x2}:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}") };
            var sw = Stopwatch.StartNew();
            using var resp = await client.PostAsJsonAsync("/api/v1/ports", body);
            var ms = sw.Elapsed.TotalMilliseconds;
            if (resp.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/v1/ports answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
            }

            latencies[n % count] = ms;
        }
        finally
        {
            gate.Release();
        }
    });
    await Task.WhenAll(tasks);
    return latencies;
}

await RunAsync(warmup);
next = warmup;
var total = Stopwatch.StartNew();
var measured = await RunAsync(writes);
var seconds = total.Elapsed.TotalSeconds;
Array.Sort(measured);
double Pct(double p) => measured[Math.Min(measured.Length - 1, (int)Math.Ceiling(p * measured.Length) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {label} | {clients.Length} | {writes} | {concurrency} | {Pct(0.50):F1} | {Pct(0.99):F1} | {measured[^1]:F1} | {writes / seconds:F0} |"));
return 0;

static async Task<string> PostIdAsync(HttpClient c, string path, object body)
{
    using var resp = await c.PostAsJsonAsync(path, body);
    var text = await resp.Content.ReadAsStringAsync();
    if (resp.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"POST {path} answered {(int)resp.StatusCode}: {text}");
    }

    return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
}
