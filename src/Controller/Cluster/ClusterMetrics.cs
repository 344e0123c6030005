using Controller.Metrics;
using OpenFlow.Protocol;
using Prometheus;

namespace Controller.Cluster;

/// <summary>
/// The cluster's collectors. Registered whether or not <c>Cluster:Enabled</c> is set, so a dashboard's cluster
/// panels find their series on a single controller too (all 0: it masters nothing through etcd and holds no
/// lease); <see cref="ClusterMembership"/> feeds them when it runs.
/// </summary>
internal sealed class ClusterMetrics
{
    private readonly IndexedChildren<Counter.Child> _suppressed;
    private readonly Counter _refused;
    private readonly Counter _won;
    private readonly Gauge _masterships;
    private readonly Gauge _leaseValid;
    private Func<int>? _held;
    private Func<bool>? _lease;

    public ClusterMetrics(ControllerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var factory = metrics.Factory;
        var suppressed = factory.CreateCounter("ofcontroller_cluster_writes_suppressed_total", "State-changing OpenFlow messages not sent because this member was not (provably) the switch's master, by message type.", "type");
        _suppressed = new IndexedChildren<Counter.Child>(suppressed, LabelValues.OfpTypes);
        _refused = factory.CreateCounter("ofcontroller_cluster_writes_refused_total", "Writes and role requests the switch refused (OFPBRC_IS_SLAVE, OFPRRFC_STALE).");
        _won = factory.CreateCounter("ofcontroller_cluster_masterships_won_total", "Switch masterships this member won.");
        _masterships = factory.CreateGauge("ofcontroller_cluster_masterships", "Switches this member masters now (0 without Cluster:Enabled).");
        _leaseValid = factory.CreateGauge("ofcontroller_cluster_lease_valid", "1 while this member's etcd lease is provably alive (0 without Cluster:Enabled).");
        metrics.OnCollect(Observe);
    }

    /// <summary>Binds the gauges to the running membership (called once by it).</summary>
    public void Track(Func<int> masterships, Func<bool> leaseValid)
    {
        _held = masterships;
        _lease = leaseValid;
    }

    public void Suppressed(OfpType type) => _suppressed[(byte)type].Inc();

    public void Refused() => _refused.Inc();

    public void Won() => _won.Inc();

    private void Observe()
    {
        _masterships.Set(_held?.Invoke() ?? 0);
        _leaseValid.Set(_lease?.Invoke() == true ? 1 : 0);
    }
}
