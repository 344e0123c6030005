using Controller.Switches;
using Microsoft.Extensions.Options;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using Prometheus;

namespace Controller.Metrics;

/// <summary>
/// Per-switch series: PACKET_INs per datapath id (read from each session's own counters at scrape, so the
/// PACKET_IN path does nothing more than before) and every port's traffic counters, polled with OFPMP_PORT_STATS
/// every <see cref="MetricsOptions.PortStatsInterval"/>. The poll is bounded: at most one request per switch is
/// outstanding (a switch still owing its last answer is skipped, and the skip counted), at most
/// <see cref="MetricsOptions.PortStatsConcurrency"/> are in flight over all switches, each ends at the session's
/// request timeout (a switch that answers the request with OFPT_ERROR is not asked again on that connection), and
/// only ports the switch declared (PORT_DESC/PORT_STATUS) are exported, at most
/// <see cref="MetricsOptions.MaxPortsPerSwitch"/> of them. The series of a switch that disconnected are removed
/// at the next scrape, those of a port it no longer reports at the next poll; a new connection of the same switch
/// starts its series afresh (a counter reset, as after a restart).
/// </summary>
internal sealed partial class SwitchMetrics : BackgroundService
{
    private readonly SwitchRegistry _registry;
    private readonly MetricsOptions _options;
    private readonly ILogger<SwitchMetrics> _logger;
    private readonly TimeProvider _time;
    private readonly SeriesSet<ulong, Counter.Child> _packetIns;
    private readonly PortCounter[] _ports;
    private readonly Counter.Child _polled;
    private readonly Counter.Child _skipped;
    private readonly Counter.Child _failed;
    private readonly Counter.Child _unsupported;
    private readonly SemaphoreSlim _inFlight;
    private readonly Dictionary<ISwitchConnection, Task> _polls = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<ISwitchConnection> _refused = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    public SwitchMetrics(ControllerMetrics metrics, SwitchRegistry registry, IOptions<MetricsOptions> options, ILogger<SwitchMetrics> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _inFlight = new SemaphoreSlim(_options.PortStatsConcurrency);
        var f = metrics.Factory;
        _packetIns = new(f.CreateCounter("ofcontroller_switch_packet_ins_total", "PACKET_INs received from a switch, by datapath id (the series starts afresh when the switch reconnects).", "dpid"));
        _ports =
        [
            Port(f, "rx_packets", "Packets received", s => s.RxPackets),
            Port(f, "tx_packets", "Packets sent", s => s.TxPackets),
            Port(f, "rx_bytes", "Bytes received", s => s.RxBytes),
            Port(f, "tx_bytes", "Bytes sent", s => s.TxBytes),
            Port(f, "rx_dropped", "Received packets dropped", s => s.RxDropped),
            Port(f, "tx_dropped", "Packets dropped on sending", s => s.TxDropped),
            Port(f, "rx_errors", "Receive errors", s => s.RxErrors),
            Port(f, "tx_errors", "Send errors", s => s.TxErrors),
        ];
        var polls = f.CreateCounter("ofcontroller_port_stats_polls_total", "Port-statistics polls of a switch, by outcome (ok; skipped: the previous one was still unanswered; failed: timeout or disconnect; unsupported: the switch answered OFPT_ERROR and is not asked again on this connection).", "outcome");
        _polled = polls.WithLabels("ok");
        _skipped = polls.WithLabels("skipped");
        _failed = polls.WithLabels("failed");
        _unsupported = polls.WithLabels("unsupported");
        metrics.OnCollect(Observe);
    }

    /// <summary>Port series exported now, over all switches and counters (for tests).</summary>
    internal int PortSeries => _ports.Sum(p => p.Series.Count);

    /// <summary>PACKET_IN series exported now (for tests).</summary>
    internal int PacketInSeries => _packetIns.Count;

    public override void Dispose()
    {
        _inFlight.Dispose();
        base.Dispose();
    }

    /// <summary>Starts one poll of every connected switch not still busy with the previous one; returns when all have ended.</summary>
    internal Task PollOnceAsync(CancellationToken cancellationToken)
    {
        List<Task> started = [];
        var live = _registry.Connections;
        lock (_gate)
        {
            foreach (var gone in _polls.Where(p => p.Value.IsCompleted && !live.Contains(p.Key)).Select(p => p.Key).ToList())
            {
                _polls.Remove(gone);
                _refused.Remove(gone);
            }

            foreach (var connection in live)
            {
                if (_refused.Contains(connection))
                {
                    continue;
                }

                if (_polls.TryGetValue(connection, out var running) && !running.IsCompleted)
                {
                    _skipped.Inc();
                    continue;
                }

                var poll = PollAsync(connection, cancellationToken);
                _polls[connection] = poll;
                started.Add(poll);
            }
        }

        return Task.WhenAll(started);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.EffectivePortStatsInterval is not { } interval)
        {
            return;
        }

        Log.Polling(_logger, interval);
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Not awaited: a slow switch must not delay the next round of the others.
                _ = PollOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _polls.Values];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private static PortCounter Port(MetricFactory f, string counter, string what, Func<PortStats, ulong> value) => new(
        new(f.CreateCounter($"ofcontroller_port_{counter}_total", $"{what} on a switch port (OFPMP_PORT_STATS {counter}), by datapath id and port name.", "dpid", "port")),
        value);

    /// <summary>Sets a counter that mirrors a cumulative value kept elsewhere; a value that went down (the port was re-created) restarts the series.</summary>
    private static void SetTotal<TKey>(SeriesSet<TKey, Counter.Child> set, TKey key, object owner, Func<string[]> labels, double value)
        where TKey : notnull
    {
        var child = set.Get(key, owner, labels);
        if (value < child.Value)
        {
            child = set.Get(key, owner, labels, reset: true);
        }

        child.IncTo(value);
    }

    private async Task PollAsync(ISwitchConnection connection, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var parts = await connection.RequestMultipartAsync(new MultipartRequest { Body = new PortStatsRequest() }, ct).ConfigureAwait(false);
            if (connection.IsActive)
            {
                Apply(connection, parts);
                _polled.Inc();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (OpenFlowErrorException ex)
        {
            // The switch does not do port statistics (an emulator, a minimal switch): stop asking it.
            lock (_gate)
            {
                _refused.Add(connection);
            }

            _unsupported.Inc();
            Log.PollFailed(_logger, LabelValues.Dpid(connection.DatapathId.Value), ex.Message);
        }
#pragma warning disable CA1031 // A switch that cannot answer (or answers nonsense) is counted and polled again next round.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failed.Inc();
            Log.PollFailed(_logger, LabelValues.Dpid(connection.DatapathId.Value), ex.Message);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private void Apply(ISwitchConnection connection, IReadOnlyList<MultipartReply> parts)
    {
        var dpid = connection.DatapathId.Value;
        var names = new Dictionary<uint, string>();
        foreach (var p in connection.Ports)
        {
            names.TryAdd(p.PortNo, p.Name);
        }

        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (var stats in parts.SelectMany(p => p.Body is PortStatsReply r ? r.Ports : []))
        {
            // Only ports the switch declared: a reply cannot invent series.
            if (!names.TryGetValue(stats.PortNo, out var name)
                || (!seen.Contains(name) && seen.Count >= _options.MaxPortsPerSwitch))
            {
                continue;
            }

            seen.Add(name);
            foreach (var port in _ports)
            {
                // UINT64_MAX: the switch does not keep this counter.
                if (port.Value(stats) is var value and not ulong.MaxValue)
                {
                    SetTotal(port.Series, (dpid, name), connection, () => [LabelValues.Dpid(dpid), name], value);
                }
            }
        }

        foreach (var port in _ports)
        {
            port.Series.RemoveWhere(k => k.Dpid == dpid && !seen.Contains(k.Port));
        }
    }

    /// <summary>Before each scrape: PACKET_IN totals of the connected switches; the series of the others go.</summary>
    private void Observe()
    {
        HashSet<ulong> present = [];
        foreach (var connection in _registry.Connections)
        {
            if (!connection.IsActive)
            {
                continue;
            }

            var dpid = connection.DatapathId.Value;
            present.Add(dpid);
            SetTotal(_packetIns, dpid, connection, () => [LabelValues.Dpid(dpid)], connection.Counters.In(OfpType.PacketIn));
        }

        _packetIns.RemoveWhere(d => !present.Contains(d));
        foreach (var port in _ports)
        {
            port.Series.RemoveWhere(k => !present.Contains(k.Dpid));
        }
    }

    private sealed record PortCounter(SeriesSet<(ulong Dpid, string Port), Counter.Child> Series, Func<PortStats, ulong> Value);
}
