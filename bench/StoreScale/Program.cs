using System.Diagnostics;
using System.Globalization;
using System.Net;
using Apps.Model;
using Controller.Store;

// In-process scale benchmark of the tenant store's write path (no REST, no switches): port creations on a
// LiteDB file, from --threads writers, as the store grows to --ports. Prints the rate over the last --window
// writes before each milestone, so a write cost that grows with the store shows as a falling rate.
// --reader emulates the flow runtime: it wakes on every published snapshot and, at most every 100 ms (the
// reconciler's debounce), reads the current snapshot whole.
// Usage: storescale [--ports 100000] [--threads 4] [--window 1000] [--milestones 1000,10000,50000,100000] [--reader] [--max-seconds 600]
var ports = 100_000;
var threads = 4;
var window = 1000;
var reader = false;
var maxSeconds = 600.0;
int[]? milestones = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ports": ports = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--window": window = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--milestones": milestones = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--reader": reader = true; break;
        case "--max-seconds": maxSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

milestones ??= [.. new[] { 1000, 10_000, 50_000, 100_000 }.Where(m => m <= ports)];
var dir = Directory.CreateTempSubdirectory("storescale-");
try
{
    using var store = TenantStore.Open(Path.Combine(dir.FullName, "store.db"));
    var tenant = store.CreateTenant("scale").Id;
    var networks = Enumerable.Range(0, 10).Select(k => store.CreateNetwork(new NewNetwork(tenant, $"n{k}", TunnelType.Vxlan)).Network.Id).ToArray();
    var host1 = store.CreateHost(new NewHost("h1", 0x1, IPAddress.Parse("192.0.2.1"))).Id;
    var host2 = store.CreateHost(new NewHost("h2", 0x2, IPAddress.Parse("192.0.2.2"))).Id;
    foreach (var (n, k) in networks.Select((n, k) => (n, k)))
    {
        store.CreatePort(new NewPort(n, host1, 0x02F0_0000_0000UL + (ulong)k + 1));
    }

    using var stop = new CancellationTokenSource();
    long reads = 0;
    var readerTask = reader ? Task.Run(async () =>
    {
        var sub = store.Subscribe(stop.Token);
        try
        {
            while (await sub.WaitToReadAsync(stop.Token))
            {
                sub.TryRead(out _);
                _ = store.Current.Ports.Length;
                Interlocked.Increment(ref reads);
                await Task.Delay(100, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }) : Task.CompletedTask;

    var done = 0;
    var stamps = new long[ports + 1];
    var total = Stopwatch.StartNew();
    var writers = Enumerable.Range(0, threads).Select(w => Task.Run(() =>
    {
        for (var i = w; i < ports; i += threads)
        {
            if (total.Elapsed.TotalSeconds > maxSeconds)
            {
                return;
            }

            store.CreatePort(new NewPort(networks[i % networks.Length], host2, 0x02F1_0000_0000UL + (ulong)i + 1));
            var n = Interlocked.Increment(ref done);
            stamps[n] = total.ElapsedTicks;
        }
    })).ToArray();
    Task.WaitAll(writers);
    var elapsed = total.Elapsed.TotalSeconds;
    stop.Cancel();
    readerTask.Wait();

    Console.WriteLine($"| ports in store | ports/s (last {window} writes) |");
    Console.WriteLine("|---:|---:|");
    foreach (var m in milestones.Where(m => m <= done))
    {
        var from = Math.Max(0, m - window);
        var seconds = (double)(stamps[m] - stamps[from]) / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m:N0} | {(m - from) / seconds:F0} |"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{done:N0} ports in {elapsed:F1} s ({done / elapsed:F0}/s overall), {threads} writers, reader {(reader ? $"on ({reads} full reads)" : "off")}{(done < ports ? $", stopped at --max-seconds {maxSeconds}" : "")}"));
    return 0;
}
finally
{
    dir.Delete(recursive: true);
}
