using Controller.Switches;

namespace Controller.Switches;

/// <summary>
/// Optional provider (the reconciler) behind <see cref="ISwitchDirectory.Flows"/> and
/// <see cref="SwitchInfo.App"/>; resolved lazily, so it may itself depend on <see cref="ISwitchRegistry"/>.
/// </summary>
public interface ISwitchFlowsSource
{
    SwitchFlowsInfo? Flows(ulong datapathId);

    SwitchReconcileInfo? Reconcile(ulong datapathId);

    string? AppName(ulong datapathId);
}
