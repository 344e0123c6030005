using System.Diagnostics.Metrics;
using Controller.Store;

namespace Controller.Metrics;

/// <summary>
/// The controller's metrics, on a <see cref="System.Diagnostics.Metrics.Meter"/> named <c>ofcontroller</c> and
/// exported at <c>/metrics</c> in Prometheus text format. One instance per host (a DI singleton); its meter comes
/// from the host's <see cref="IMeterFactory"/>, so several hosts in one process (tests) do not mix.
/// Every method is thread-safe, allocation-free on the hot path and cheap enough for the OpenFlow event loop.
/// </summary>
public sealed class ControllerMetrics : IDisposable
{
    public const string MeterName = "ofcontroller";

    private readonly UpDownCounter<long> _switches;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _messagesIn;
    private readonly Counter<long> _messagesOut;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _flowMods;
    private readonly Histogram<double> _barrierLatency;
    private readonly Counter<long> _httpRequests;
    private readonly PrometheusTextExporter _exporter;
    private TenantStore? _store;

    public ControllerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(new MeterOptions(MeterName));
        _exporter = new PrometheusTextExporter(Meter);
        _switches = Meter.CreateUpDownCounter<long>("ofcontroller_switches_connected", description: "OpenFlow switches connected now.");
        _connections = Meter.CreateCounter<long>("ofcontroller_switch_connections_total", description: "OpenFlow switch connections accepted since start.");
        _messagesIn = Meter.CreateCounter<long>("ofcontroller_openflow_messages_in_total", description: "OpenFlow messages received, by message type.");
        _messagesOut = Meter.CreateCounter<long>("ofcontroller_openflow_messages_out_total", description: "OpenFlow messages sent, by message type.");
        _errors = Meter.CreateCounter<long>("ofcontroller_errors_total", description: "Errors, by kind (e.g. decode, ofpt_error, timeout).");
        _flowMods = Meter.CreateCounter<long>("ofcontroller_flow_mods_total", description: "FLOW_MOD messages sent by the reconciler.");
        _barrierLatency = Meter.CreateHistogram<double>("ofcontroller_barrier_latency_seconds", unit: "s", description: "Time from BARRIER_REQUEST to BARRIER_REPLY.");
        _httpRequests = Meter.CreateCounter<long>("ofcontroller_http_requests_total", description: "REST requests answered, by method and status code.");
        Meter.CreateObservableGauge("ofcontroller_store_snapshot_version", () => _store?.Current.Version ?? 0, description: "Version of the latest published network snapshot.");
        Meter.CreateObservableGauge("ofcontroller_store_entities", ObserveEntities, description: "Entities in the latest network snapshot, by kind.");

        // Label-less series exist from the start, so a scrape shows 0 rather than nothing.
        _switches.Add(0);
        _connections.Add(0);
        _flowMods.Add(0);
    }

    /// <summary>The meter behind these metrics; instruments others create on it are exported at /metrics too.</summary>
    public Meter Meter { get; }

    public void SwitchConnected()
    {
        _switches.Add(1);
        _connections.Add(1);
    }

    public void SwitchDisconnected() => _switches.Add(-1);

    /// <summary>Counts one received message; <paramref name="type"/> is the message type name, e.g. "PacketIn".</summary>
    public void MessageIn(string type) => _messagesIn.Add(1, new KeyValuePair<string, object?>("type", type));

    /// <summary>Counts one sent message; <paramref name="type"/> is the message type name, e.g. "FlowMod".</summary>
    public void MessageOut(string type) => _messagesOut.Add(1, new KeyValuePair<string, object?>("type", type));

    /// <summary>Counts one error of the given kind (keep the set of kinds small and fixed).</summary>
    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FlowMods(int n) => _flowMods.Add(n);

    public void BarrierLatency(TimeSpan latency) => _barrierLatency.Record(latency.TotalSeconds);

    /// <summary>The Prometheus text of every instrument on <see cref="Meter"/>.</summary>
    public string RenderPrometheus() => _exporter.Render();

    public void Dispose() => _exporter.Dispose();

    internal void HttpRequest(string method, int statusCode) => _httpRequests.Add(
        1,
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("code", statusCode));

    /// <summary>Reads the store's current snapshot at each scrape, so the store never calls into metrics.</summary>
    internal void Track(TenantStore store) => _store = store;

    private IEnumerable<Measurement<int>> ObserveEntities()
    {
        if (_store is not { } store)
        {
            return [];
        }

        var s = store.Current;
        return
        [
            new(s.Networks.Length, new KeyValuePair<string, object?>("kind", "networks")),
            new(s.Hosts.Length, new KeyValuePair<string, object?>("kind", "hosts")),
            new(s.Ports.Length, new KeyValuePair<string, object?>("kind", "ports")),
            new(s.LocalVlans.Length, new KeyValuePair<string, object?>("kind", "local_vlans")),
            new(s.TunnelPorts.Length, new KeyValuePair<string, object?>("kind", "tunnel_ports")),
        ];
    }
}
