namespace Controller.Switches;

/// <summary>Read-only view of the connected switches, for REST and metrics.</summary>
public interface ISwitchDirectory
{
    IReadOnlyList<SwitchInfo> List();

    SwitchInfo? Find(ulong datapathId);

    /// <summary>Desired and installed flows of one switch, or null when it is not connected.</summary>
    SwitchFlowsInfo? Flows(ulong datapathId);
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

public sealed record ReconcileInfo(
    DateTimeOffset At,
    int Added,
    int Modified,
    int Deleted,
    int Unchanged,
    double DurationMs,
    ReconcilePhases? Phases = null);

/// <summary>
/// Where a reconcile's time went, in milliseconds: computing the desired flows (and ordering them), reading the
/// switch's flows back (full reconciles only; zero otherwise), diffing, and applying the changes (sent and confirmed
/// by a barrier or a bundle commit).
/// </summary>
public sealed record ReconcilePhases(double ComputeMs, double ReadBackMs, double DiffMs, double ApplyMs);

/// <summary>Placeholder used until the OpenFlow server registers the real directory.</summary>
internal sealed class EmptySwitchDirectory : ISwitchDirectory
{
    public IReadOnlyList<SwitchInfo> List() => [];

    public SwitchInfo? Find(ulong datapathId) => null;

    public SwitchFlowsInfo? Flows(ulong datapathId) => null;
}
