using Apps.Dhcp;
using Controller.Metrics;
using Controller.Reconcile;
using OpenFlow.Nicira;
using Prometheus;

namespace Controller.Runtime;

/// <summary>
/// The flow runtime's collectors: reconciles (duration by outcome, drift, bundles), reconciler states and installed
/// flows per switch and table (read from the reconcilers at each scrape; a switch that left loses its series),
/// and DHCP answers. Label strings come from tables made once, so the DHCP PACKET_IN path builds none.
/// </summary>
internal sealed class RuntimeMetrics
{
    /// <summary>Reconcile durations in seconds: 1 ms doubling up to about 65 s (a full resync of a large table).</summary>
    private static readonly double[] ReconcileBuckets = Histogram.ExponentialBuckets(0.001, 2, 17);

    private static readonly int StateCount = Enum.GetValues<ReconcilerState>().Length;

    private readonly Counter _driftRepairs;
    private readonly IndexedChildren<Counter.Child> _monitorDrift;
    private readonly IndexedChildren<Counter.Child> _bundles;
    private readonly IndexedChildren<Gauge.Child> _states;
    private readonly Histogram.Child _unchanged;
    private readonly Histogram.Child _changed;
    private readonly Histogram.Child _failed;
    private readonly IndexedChildren<Counter.Child> _dhcp;
    private readonly Counter.Child _dhcpRateLimited;
    private readonly SeriesSet<(ulong Dpid, int Table), Gauge.Child> _flows;
    private readonly Func<IEnumerable<ManagedSwitch>> _switches;
    private readonly Lock _observe = new();

    public RuntimeMetrics(ControllerMetrics metrics, Func<IEnumerable<ManagedSwitch>> switches)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _switches = switches ?? throw new ArgumentNullException(nameof(switches));
        var f = metrics.Factory;
        _driftRepairs = f.CreateCounter("ofcontroller_drift_repairs_total", "FLOW_MODs that repaired flows changed on a switch behind the controller's back.");
        _monitorDrift = new(
            f.CreateCounter("ofcontroller_flow_monitor_drift_total", "Flow monitor updates that reported one of our flows added, modified or deleted behind the controller's back, by event.", "event"),
            LabelValues.Of<NxFlowUpdateEvent>(e => e.ToString().ToLowerInvariant()));
        _bundles = new(
            f.CreateCounter("ofcontroller_bundles_total", "Full resyncs sent as one atomic bundle, by outcome (committed, refused, failed; the last two fell back to plain FLOW_MODs).", "outcome"),
            LabelValues.Of<BundleOutcome>(o => o.ToString().ToLowerInvariant()));
        var states = f.CreateGauge("ofcontroller_reconciler_switches", "Connected switches by reconciler state.", "state");
        _states = new(states, LabelValues.Of<ReconcilerState>(SwitchReconciler.StateName));
        var durations = f.CreateHistogram(
            "ofcontroller_reconcile_duration_seconds",
            "Duration of one reconcile run (recompute, diff, read-back when full, FLOW_MODs and barriers), by outcome: unchanged (nothing to send), changed (FLOW_MODs sent and confirmed), failed.",
            new HistogramConfiguration { LabelNames = ["outcome"], Buckets = ReconcileBuckets });
        _unchanged = durations.WithLabels("unchanged");
        _changed = durations.WithLabels("changed");
        _failed = durations.WithLabels("failed");
        var dhcp = f.CreateCounter("ofcontroller_dhcp_messages_total", "DHCP client messages seen by the controller, by outcome (offer, ack, nak, unknownClient, rateLimited, ...).", "outcome");
        _dhcp = new(dhcp, LabelValues.Of<DhcpOutcome>(o => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(o.ToString())));
        _dhcpRateLimited = dhcp.WithLabels("rateLimited");
        _flows = new(f.CreateGauge("ofcontroller_flows_installed", "Managed flows the reconciler knows to be installed (confirmed by a barrier or read back), by switch and table; learned and reactive flows are not counted.", "dpid", "table"));
        metrics.OnCollect(Observe);
    }

    /// <summary>Counts what <paramref name="reconciler"/> reports for as long as it runs.</summary>
    public void Watch(SwitchReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        reconciler.DriftRepaired += (_, n) => _driftRepairs.Inc(n);
        reconciler.DriftDetected += (_, e) => _monitorDrift[(int)e].Inc();
        reconciler.BundleApplied += (_, o) => _bundles[(int)o].Inc();
        reconciler.Reconciled += (_, info) =>
            (info.Added + info.Modified + info.Deleted == 0 ? _unchanged : _changed).Observe(info.DurationMs / 1000);
        reconciler.ReconcileFailed += (_, took) => _failed.Observe(took.TotalSeconds);
    }

    public void Dhcp(DhcpOutcome outcome) => _dhcp[(int)outcome].Inc();

    public void DhcpRateLimited() => _dhcpRateLimited.Inc();

    private void Observe()
    {
        lock (_observe)
        {
            Span<int> states = stackalloc int[StateCount];
            Span<int> perTable = stackalloc int[256];
            HashSet<ulong> present = [];
            foreach (var m in _switches())
            {
                if (m.Reconciler is not { } r)
                {
                    continue;
                }

                states[(int)r.State]++;
                present.Add(m.DatapathId);
                perTable.Clear();
                if (!r.CountInstalled(perTable))
                {
                    continue; // unknown for a moment (a batch waits for its barrier): keep the last values
                }

                for (var t = 0; t < perTable.Length; t++)
                {
                    if (perTable[t] != 0 || _flows.Contains((m.DatapathId, t)))
                    {
                        var dpid = m.DatapathId;
                        var table = t;
                        _flows.Get((dpid, table), null, () => [LabelValues.Dpid(dpid), LabelValues.Tables[table]]).Set(perTable[t]);
                    }
                }
            }

            for (var i = 0; i < states.Length; i++)
            {
                _states[i].Set(states[i]);
            }

            _flows.RemoveWhere(k => !present.Contains(k.Dpid));
        }
    }
}
