namespace Controller.Switches;

/// <summary>
/// What REST and the page show of the connected switches: the registry's sessions joined with what the
/// runtime knows of each (its app, desired and installed flows, reconciler state). Both are handed in, so
/// neither the registry nor this class looks anything up in the container.
/// </summary>
internal sealed class SwitchDirectory(SwitchRegistry registry, ISwitchFlowsSource? flows = null) : ISwitchDirectory
{
    public IReadOnlyList<SwitchInfo> List() => [.. registry.List().Select(WithApp)];

    public SwitchInfo? Find(ulong datapathId) => registry.Find(datapathId) is { } info ? WithApp(info) : null;

    public SwitchFlowsInfo? Flows(ulong datapathId) =>
        !IsConnected(datapathId) ? null : flows?.Flows(datapathId) ?? new SwitchFlowsInfo(datapathId, [], [], null);

    public SwitchReconcileInfo? Reconcile(ulong datapathId) =>
        !IsConnected(datapathId) ? null : flows?.Reconcile(datapathId) ?? new SwitchReconcileInfo(datapathId, null, -1, null, 0, 0, 0, null, 0, 0);

    // The session lookup, not Find(ulong): that builds the switch's whole SwitchInfo (ports, counters) only to be dropped.
    private bool IsConnected(ulong datapathId) => registry.Find(new OpenFlow.DatapathId(datapathId)) is not null;

    private SwitchInfo WithApp(SwitchInfo info) => flows?.AppName(info.DatapathId) is { } app ? info with { App = app } : info;
}
