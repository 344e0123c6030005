using System.Globalization;
using Controller.Store;
using Prometheus;

namespace Controller.Metrics;

/// <summary>
/// The controller's Prometheus metrics, exported at <c>/metrics</c>. One instance per host, registered as a
/// singleton; it owns its own <see cref="CollectorRegistry"/> so several hosts in one process (tests) do not mix.
/// Every method is thread-safe and cheap enough for the OpenFlow event loop.
/// </summary>
public sealed class ControllerMetrics
{
    private readonly Gauge _switches;
    private readonly Counter _connections;
    private readonly Counter _messagesIn;
    private readonly Counter _messagesOut;
    private readonly Counter _errors;
    private readonly Counter _flowMods;
    private readonly Histogram _barrierLatency;
    private readonly Counter _httpRequests;
    private readonly Gauge _snapshotVersion;
    private readonly Gauge _entities;

    public ControllerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _switches = f.CreateGauge("ofcontroller_switches_connected", "OpenFlow switches connected now.");
        _connections = f.CreateCounter("ofcontroller_switch_connections_total", "OpenFlow switch connections accepted since start.");
        _messagesIn = f.CreateCounter("ofcontroller_openflow_messages_in_total", "OpenFlow messages received, by message type.", "type");
        _messagesOut = f.CreateCounter("ofcontroller_openflow_messages_out_total", "OpenFlow messages sent, by message type.", "type");
        _errors = f.CreateCounter("ofcontroller_errors_total", "Errors, by kind (e.g. decode, ofpt_error, timeout).", "kind");
        _flowMods = f.CreateCounter("ofcontroller_flow_mods_total", "FLOW_MOD messages sent by the reconciler.");
        _barrierLatency = f.CreateHistogram(
            "ofcontroller_barrier_latency_seconds",
            "Time from BARRIER_REQUEST to BARRIER_REPLY.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        _httpRequests = f.CreateCounter("ofcontroller_http_requests_total", "REST requests answered, by method and status code.", "method", "code");
        _snapshotVersion = f.CreateGauge("ofcontroller_store_snapshot_version", "Version of the latest published network snapshot.");
        _entities = f.CreateGauge("ofcontroller_store_entities", "Entities in the latest network snapshot, by kind.", "kind");
    }

    /// <summary>The registry <c>/metrics</c> exports; add collectors of your own to it.</summary>
    public CollectorRegistry Registry { get; }

    public void SwitchConnected()
    {
        _switches.Inc();
        _connections.Inc();
    }

    public void SwitchDisconnected() => _switches.Dec();

    /// <summary>Counts one received message; <paramref name="type"/> is the message type name, e.g. "PacketIn".</summary>
    public void MessageIn(string type) => _messagesIn.WithLabels(type).Inc();

    /// <summary>Counts one sent message; <paramref name="type"/> is the message type name, e.g. "FlowMod".</summary>
    public void MessageOut(string type) => _messagesOut.WithLabels(type).Inc();

    /// <summary>Counts one error of the given kind (keep the set of kinds small and fixed).</summary>
    public void Error(string kind) => _errors.WithLabels(kind).Inc();

    public void FlowMods(int n) => _flowMods.Inc(n);

    public void BarrierLatency(TimeSpan latency) => _barrierLatency.Observe(latency.TotalSeconds);

    internal void HttpRequest(string method, int statusCode) =>
        _httpRequests.WithLabels(method, statusCode.ToString(CultureInfo.InvariantCulture)).Inc();

    /// <summary>Reads the store's current snapshot at each scrape, so the store never calls into metrics.</summary>
    internal void Track(TenantStore store) => Registry.AddBeforeCollectCallback(() =>
    {
        var s = store.Current;
        _snapshotVersion.Set(s.Version);
        _entities.WithLabels("networks").Set(s.Networks.Length);
        _entities.WithLabels("hosts").Set(s.Hosts.Length);
        _entities.WithLabels("ports").Set(s.Ports.Length);
        _entities.WithLabels("local_vlans").Set(s.LocalVlans.Length);
    });
}
