using System.Diagnostics;
using System.Globalization;

namespace OfBench;

/// <summary>Connects the emulated switches, runs the rounds and gathers the numbers.</summary>
internal sealed class BenchRunner
{
    private readonly BenchOptions _options;
    private readonly TextWriter _log;

    public BenchRunner(BenchOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
    }

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var o = _options;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var tls = o.Tls ? BenchTls.Load(o) : null;
        var switches = Enumerable.Range(0, o.Switches).Select(i => new EmulatedSwitch(i, o, tls)).ToArray();
        var loops = new List<Task>(switches.Length);
        try
        {
            var clock = Stopwatch.StartNew();
            var startedAt = Stopwatch.GetTimestamp();
            var connectError = await ConnectAllAsync(switches, loops, stop.Token).ConfigureAwait(false);
            var ready = await WaitAsync(() => switches.All(s => s.FeaturesReplied || s.Closed), o.ConnectTimeoutMs, stop.Token).ConfigureAwait(false);
            var connected = switches.Count(s => s.FeaturesReplied && !s.Closed);
            var connectMs = clock.Elapsed.TotalMilliseconds;
            var result = new BenchResult { Mode = o.Mode, Switches = o.Switches, Connected = connected, ConnectMs = connectMs };
            if (connectError is not null || !ready || connected < switches.Length)
            {
                var why = connectError ?? switches.Select(s => s.Failure).FirstOrDefault(f => f is not null) ?? "no FEATURES_REQUEST";
                return result with { Error = $"{connected} of {switches.Length} switches completed the handshake in {connectMs:F0} ms: {why}" };
            }

            await SettleAsync(switches, o.Mode == BenchMode.Scale ? 60 : 10, stop.Token).ConfigureAwait(false);
            var handshakeMs = Stopwatch.GetElapsedTime(startedAt, switches.Max(s => s.LastControlAt)).TotalMilliseconds;
            result = result with { HandshakeMs = handshakeMs };
            Say(string.Create(CultureInfo.InvariantCulture, $"{connected} switches connected (FEATURES_REPLY sent) in {connectMs:F0} ms; last handshake message at {handshakeMs:F0} ms"));
            return o.Mode == BenchMode.Scale
                ? await HoldAsync(switches, result, stop.Token).ConfigureAwait(false)
                : await MeasureAsync(switches, result, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var s in switches)
            {
                s.Close();
            }

            await Task.WhenAll(loops).ConfigureAwait(false);
            foreach (var s in switches)
            {
                s.Dispose();
            }
        }
    }

    private async Task<string?> ConnectAllAsync(EmulatedSwitch[] switches, List<Task> loops, CancellationToken ct)
    {
        // Connect in bounded parallel batches: 10,000 simultaneous SYNs overflow the listen backlog.
        const int Parallel = 128;
        using var gate = new SemaphoreSlim(Parallel);
        string? error = null;
        var connects = new List<Task>(switches.Length);
        foreach (var s in switches)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            if (error is not null)
            {
                gate.Release();
                break;
            }

            connects.Add(ConnectOneAsync(s));
        }

        await Task.WhenAll(connects).ConfigureAwait(false);
        return error;

        async Task ConnectOneAsync(EmulatedSwitch s)
        {
            try
            {
                await s.ConnectAsync(ct).ConfigureAwait(false);
                lock (loops)
                {
                    loops.Add(Task.Run(() => s.RunAsync(ct), CancellationToken.None));
                }
            }
            catch (System.Net.Sockets.SocketException e)
            {
                error ??= $"connect to {_options.Controller}: {e.Message}";
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task<BenchResult> HoldAsync(EmulatedSwitch[] switches, BenchResult result, CancellationToken ct)
    {
        // The script reads this line, then measures the controller while the switches stay connected.
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SCALE_READY switches={result.Connected} connect_ms={result.ConnectMs:F0} handshake_ms={result.HandshakeMs:F0}"));
        await Console.Out.FlushAsync(ct).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(_options.HoldSeconds), ct).ConfigureAwait(false);
        var alive = switches.Count(s => !s.Closed);
        return alive == switches.Length
            ? result
            : result with { Error = $"{switches.Length - alive} switches were disconnected while holding" };
    }

    private async Task SettleAsync(EmulatedSwitch[] switches, int capSeconds, CancellationToken ct)
    {
        // Wait for a quiet moment after the handshake (os-ken handles PACKET_INs only after its
        // PORT_DESC reply; our controller asks for ports, role and flows), but not forever: a
        // controller may keep talking.
        var settle = _options.SettleMs * Stopwatch.Frequency / 1000;
        var deadline = Stopwatch.GetTimestamp() + (capSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline
               && Stopwatch.GetTimestamp() - switches.Max(s => s.LastControlAt) < settle)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private async Task<BenchResult> MeasureAsync(EmulatedSwitch[] switches, BenchResult result, CancellationToken ct)
    {
        var o = _options;
        await Task.WhenAll(switches.Select(s => s.SetSendingAsync(true, ct))).ConfigureAwait(false);
        var rounds = new List<RoundResult>();
        var latencies = new List<int>();
        var sampleMarks = new int[switches.Length];
        var previous = Sum(switches);
        var clock = Stopwatch.StartNew();
        var kickEvery = TimeSpan.FromMilliseconds(Math.Min(100, o.TimeoutMs / 2.0));
        for (var r = 1; r <= o.WarmupRounds + o.Rounds; r++)
        {
            var warmup = r <= o.WarmupRounds;
            var start = clock.Elapsed;
            var end = start + TimeSpan.FromMilliseconds(o.RoundMs);
            while (clock.Elapsed < end)
            {
                var wait = end - clock.Elapsed;
                await Task.Delay(wait < kickEvery ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : kickEvery, ct).ConfigureAwait(false);
                foreach (var s in switches)
                {
                    if (s.Closed)
                    {
                        return result with { Rounds = rounds, Error = s.Failure ?? "a switch was disconnected" };
                    }

                    await s.KickAsync(ct).ConfigureAwait(false);
                }
            }

            var now = Sum(switches);
            var seconds = (clock.Elapsed - start).TotalSeconds;
            var d = now - previous;
            previous = now;
            var round = new RoundResult(r - o.WarmupRounds, warmup, d.Handled / seconds, d.FlowMods / seconds, d.PacketOuts / seconds, d.PacketIns / seconds, d.Lost);
            rounds.Add(round);
            var roundLatencies = new List<int>();
            for (var i = 0; i < switches.Length; i++)
            {
                var count = switches[i].Latencies.Count;
                switches[i].Latencies.CopyTo(sampleMarks[i], count, roundLatencies);
                sampleMarks[i] = count;
            }

            if (!warmup)
            {
                latencies.AddRange(roundLatencies);
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"{(warmup ? "warmup" : $"round {round.Number,3}")}: {round.Responses,10:F0} responses/s  flow_mods {round.FlowMods:F0}/s  packet_outs {round.PacketOuts:F0}/s  packet_ins {round.PacketIns:F0}/s  lost {round.Lost}");
            if (o.Mode == BenchMode.Latency && roundLatencies.Count > 0)
            {
                roundLatencies.Sort();
                line += string.Create(CultureInfo.InvariantCulture, $"  latency avg {roundLatencies.Average() / 10:F1} us p50 {Percentile(roundLatencies, 0.50) / 10:F1} us p99 {Percentile(roundLatencies, 0.99) / 10:F1} us");
            }

            Say(line);
        }

        await Task.WhenAll(switches.Select(s => s.SetSendingAsync(false, ct))).ConfigureAwait(false);
        result = result with { Rounds = rounds, TotalHandled = Sum(switches).Handled };
        if (o.Mode == BenchMode.Latency && latencies.Count > 0)
        {
            latencies.Sort();
            result = result with
            {
                LatencyAvgUs = latencies.Average() / 10,
                LatencyP50Us = Percentile(latencies, 0.50) / 10,
                LatencyP99Us = Percentile(latencies, 0.99) / 10,
            };
        }

        if (result.Avg <= 0)
        {
            var why = switches.Select(s => s.Failure).FirstOrDefault(f => f is not null);
            result = result with { Error = "no PACKET_IN was answered" + (why is null ? string.Empty : $" ({why})") };
        }

        return result;
    }

    private static SwitchCounters Sum(EmulatedSwitch[] switches)
    {
        var total = default(SwitchCounters);
        foreach (var s in switches)
        {
            total += s.Counters;
        }

        return total;
    }

    private static double Percentile(List<int> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<bool> WaitAsync(Func<bool> condition, int timeoutMs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
            {
                return false;
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }

        return true;
    }

    private void Say(string line)
    {
        if (!_options.Quiet)
        {
            _log.WriteLine(line);
        }
    }
}
