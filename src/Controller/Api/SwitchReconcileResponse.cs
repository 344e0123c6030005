using Controller.Switches;

namespace Controller.Api;

/// <summary><c>GET /switches/{dpid}/reconcile</c>: <see cref="SwitchFlowsResponse"/> with flow counts instead of the flows.</summary>
public sealed record SwitchReconcileResponse(
    string DatapathId,
    string? State,
    long ConfirmedVersion,
    ReconcileInfo? LastReconcile,
    int DesiredFlows,
    int InstalledFlows,
    long DriftRepairs,
    string? FlowMonitor,
    long MonitorDriftEvents,
    long BundleCommits);
