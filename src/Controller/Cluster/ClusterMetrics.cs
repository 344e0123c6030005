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
    private readonly Counter _hostSuppressed;
    private readonly Counter _hostRefused;
    private readonly Counter _hostWon;
    private readonly Gauge _hostWriterships;
    private Func<int>? _held;
    private Func<bool>? _lease;
    private Func<int>? _hostsHeld;

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
        _hostSuppressed = factory.CreateCounter("ofcontroller_cluster_host_writes_suppressed_total", "OVSDB transactions not sent because this member was not (provably) the host's writer.");
        _hostRefused = factory.CreateCounter("ofcontroller_cluster_host_writes_refused_total", "OVSDB transactions the host's ovsdb-server refused at the writer fence (a newer writer holds the host).");
        _hostWon = factory.CreateCounter("ofcontroller_cluster_host_writerships_won_total", "Host OVSDB writerships this member won.");
        _hostWriterships = factory.CreateGauge("ofcontroller_cluster_host_writerships", "Hosts whose OVSDB this member writes now (0 without Cluster:Enabled).");
        metrics.OnCollect(Observe);
    }

    /// <summary>Binds the gauges to the running membership (called once by it).</summary>
    public void Track(Func<int> masterships, Func<bool> leaseValid, Func<int> writerships)
    {
        _held = masterships;
        _lease = leaseValid;
        _hostsHeld = writerships;
    }

    public void Suppressed(OfpType type) => _suppressed[(byte)type].Inc();

    public void Refused() => _refused.Inc();

    public void Won() => _won.Inc();

    public void HostSuppressed() => _hostSuppressed.Inc();

    public void HostRefused() => _hostRefused.Inc();

    public void HostWon() => _hostWon.Inc();

    private void Observe()
    {
        _masterships.Set(_held?.Invoke() ?? 0);
        _leaseValid.Set(_lease?.Invoke() == true ? 1 : 0);
        _hostWriterships.Set(_hostsHeld?.Invoke() ?? 0);
    }
}
