namespace Controller.Switches;

/// <summary>Read-only view of the connected switches, for REST and metrics.</summary>
public interface ISwitchDirectory
{
    IReadOnlyList<SwitchInfo> List();

    SwitchInfo? Find(ulong datapathId);

    /// <summary>Desired and installed flows of one switch, or null when it is not connected.</summary>
    SwitchFlowsInfo? Flows(ulong datapathId);

    /// <summary>
    /// The reconciler's state and last reconcile, with flow counts instead of the flows' text, or null when
    /// the switch is not connected. Cheap at any flow count; the default goes through <see cref="Flows"/>.
    /// </summary>
    SwitchReconcileInfo? Reconcile(ulong datapathId) => Flows(datapathId) is { } f ? SwitchReconcileInfo.From(f) : null;
}

public sealed record SwitchPortInfo(uint PortNo, string Name, string HwAddr, bool LinkUp, bool AdminUp);

public sealed record SwitchInfo(
    ulong DatapathId,
    string RemoteAddress,
    IReadOnlyList<SwitchPortInfo> Ports,
    string Role,
    DateTimeOffset ConnectedSince,
    long MessagesIn,
    long MessagesOut,
    long Errors,
    string App);

/// <summary>
/// Flows rendered as ovs-ofctl-like text, plus the last reconcile's counts, the reconciler's state
/// (connecting, syncing, in_sync, drifted, failed), the snapshot version it last confirmed (-1: none)
/// and the drift repairs its audits and flow monitor made; whether the flow monitor is active (active,
/// unsupported, off), the monitor updates that were drift, and the full resyncs committed as bundles.
/// </summary>
public sealed record SwitchFlowsInfo(
    ulong DatapathId,
    IReadOnlyList<string> Desired,
    IReadOnlyList<string> Installed,
    ReconcileInfo? LastReconcile,
    string? State = null,
    long ConfirmedVersion = -1,
    long DriftRepairs = 0,
    string? FlowMonitor = null,
    long MonitorDriftEvents = 0,
    long BundleCommits = 0);

/// <summary><see cref="SwitchFlowsInfo"/> without the flows: how many are desired and known installed.</summary>
public sealed record SwitchReconcileInfo(
    ulong DatapathId,
    string? State,
    long ConfirmedVersion,
    ReconcileInfo? LastReconcile,
    int DesiredFlows,
    int InstalledFlows,
    long DriftRepairs,
    string? FlowMonitor,
    long MonitorDriftEvents,
    long BundleCommits)
{
    public static SwitchReconcileInfo From(SwitchFlowsInfo f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.DatapathId, f.State, f.ConfirmedVersion, f.LastReconcile, f.Desired.Count, f.Installed.Count, f.DriftRepairs, f.FlowMonitor, f.MonitorDriftEvents, f.BundleCommits);
    }
}

public sealed record ReconcileInfo(
    DateTimeOffset At,
    int Added,
    int Modified,
    int Deleted,
    int Unchanged,
    double DurationMs,
    ReconcilePhases? Phases = null);

/// <summary>
/// Where a reconcile's time went, in milliseconds: computing the desired flows, reading the switch's flows back
/// (full reconciles only, zero otherwise: the dump is asked for before the computation and runs alongside it, so
/// this is what was left to wait and decode after it), diffing, and applying the changes (sent and confirmed by a
/// barrier or a bundle commit).
/// </summary>
public sealed record ReconcilePhases(double ComputeMs, double ReadBackMs, double DiffMs, double ApplyMs);

/// <summary>Placeholder used until the OpenFlow server registers the real directory.</summary>
internal sealed class EmptySwitchDirectory : ISwitchDirectory
{
    public IReadOnlyList<SwitchInfo> List() => [];

    public SwitchInfo? Find(ulong datapathId) => null;

    public SwitchFlowsInfo? Flows(ulong datapathId) => null;
}
