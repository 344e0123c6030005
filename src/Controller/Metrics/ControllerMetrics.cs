using Controller.Store;
using Prometheus;

namespace Controller.Metrics;

/// <summary>
/// The controller's metrics, on a prometheus-net <see cref="CollectorRegistry"/> of its own (never the library's
/// static default), exported at <c>/metrics</c>. One instance per host (a DI singleton), so several hosts in one
/// process (tests) do not share a series. Other parts of the controller create their collectors on
/// <see cref="Factory"/>; values that are read rather than counted (gauges of what exists now) are set from
/// <see cref="OnCollect"/> callbacks just before each scrape. Hot paths use cached labelled children
/// (<see cref="IndexedChildren{TChild}"/>): an array read and an interlocked add, no allocation.
/// </summary>
public sealed class ControllerMetrics
{
    /// <summary>Upper bounds of latency buckets in seconds: 100 µs doubling up to about 3.3 s.</summary>
    public static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.0001, 2, 16);

    private static readonly string[] EntityKinds = ["networks", "hosts", "ports", "local_vlans", "tunnel_ports"];

    private readonly Gauge _switches;
    private readonly Counter _connections;
    private readonly Counter _flowMods;
    private readonly Histogram _barrierLatency;
    private readonly Counter _httpRequests;
    private readonly Gauge _snapshotVersion;
    private readonly Gauge _storeStale;
    private readonly Gauge.Child[] _entities;
    private TenantStore? _store;

    public ControllerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        // No exemplars: they would read the current trace context on every increment.
        Factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _switches = Factory.CreateGauge("ofcontroller_switches_connected", "OpenFlow switches connected now.");
        _connections = Factory.CreateCounter("ofcontroller_switch_connections_total", "OpenFlow switch connections accepted since start.");
        MessagesIn = Factory.CreateCounter("ofcontroller_openflow_messages_in_total", "OpenFlow messages received, by message type.", "type");
        MessagesOut = Factory.CreateCounter("ofcontroller_openflow_messages_out_total", "OpenFlow messages sent, by message type.", "type");
        Errors = Factory.CreateCounter("ofcontroller_errors_total", "Errors, by kind (e.g. decode, switch_error, request_timeout).", "kind");
        _flowMods = Factory.CreateCounter("ofcontroller_flow_mods_total", "FLOW_MOD messages sent by the reconciler.");
        _barrierLatency = Factory.CreateHistogram(
            "ofcontroller_barrier_latency_seconds",
            "Time from BARRIER_REQUEST to BARRIER_REPLY.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _httpRequests = Factory.CreateCounter("ofcontroller_http_requests_total", "REST requests answered, by method and status code.", "code", "method");
        _snapshotVersion = Factory.CreateGauge("ofcontroller_store_snapshot_version", "Version of the latest published network snapshot.");
        _storeStale = Factory.CreateGauge("ofcontroller_store_stale", "1 while the store cannot confirm it is current (etcd without quorum); reads then answer from the last state.");
        var entities = Factory.CreateGauge("ofcontroller_store_entities", "Entities in the latest network snapshot, by kind.", "kind");
        _entities = [.. EntityKinds.Select(k => entities.WithLabels(k))];
        OnCollect(ObserveStore);
    }

    /// <summary>Where every collector of this controller lives; /metrics exports exactly this registry.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Creates collectors on <see cref="Registry"/> (without exemplars).</summary>
    public MetricFactory Factory { get; }

    internal Counter MessagesIn { get; }

    internal Counter MessagesOut { get; }

    internal Counter Errors { get; }

    /// <summary>
    /// Runs <paramref name="refresh"/> before every scrape, to set gauges from the state they describe and remove
    /// the series of things that are gone. Scrapes may run concurrently: callbacks must be thread-safe.
    /// </summary>
    public void OnCollect(Action refresh) => Registry.AddBeforeCollectCallback(refresh);

    public void SwitchConnected()
    {
        _switches.Inc();
        _connections.Inc();
    }

    public void SwitchDisconnected() => _switches.Dec();

    public void FlowMods(int n) => _flowMods.Inc(n);

    public void BarrierLatency(TimeSpan latency) => _barrierLatency.Observe(latency.TotalSeconds);

    /// <summary>The exposition of every collector, in the Prometheus text format (0.0.4).</summary>
    public async Task<string> RenderAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal void HttpRequest(string method, int statusCode) =>
        _httpRequests.WithLabels([HttpLabels.Code(statusCode), HttpLabels.Method(method)]).Inc();

    /// <summary>Reads the store's current snapshot at each scrape, so the store never calls into metrics.</summary>
    internal void Track(TenantStore store) => _store = store;

    private void ObserveStore()
    {
        if (_store is not { } store)
        {
            return;
        }

        var s = store.Current;
        _snapshotVersion.Set(s.Version);
        _storeStale.Set(store.IsStale ? 1 : 0);
        int[] counts = [s.Networks.Length, s.Hosts.Length, s.Ports.Length, s.LocalVlans.Length, s.TunnelPorts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            _entities[i].Set(counts[i]);
        }
    }
}
