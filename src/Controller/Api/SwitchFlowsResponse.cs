using Controller.Switches;

namespace Controller.Api;

public sealed record SwitchFlowsResponse(
    string DatapathId,
    IReadOnlyList<string> Desired,
    IReadOnlyList<string> Installed,
    ReconcileInfo? LastReconcile,
    string? State,
    long ConfirmedVersion,
    long DriftRepairs,
    string? FlowMonitor,
    long MonitorDriftEvents,
    long BundleCommits);
