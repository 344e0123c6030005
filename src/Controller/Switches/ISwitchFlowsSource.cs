using Controller.Switches;

namespace Controller.Switches;

/// <summary>
/// Optional provider (the runtime) behind <see cref="ISwitchDirectory.Flows"/>, <see cref="ISwitchDirectory.Reconcile"/>
/// and <see cref="SwitchInfo.App"/>, handed to <see cref="SwitchDirectory"/>; it may depend on <see cref="ISwitchRegistry"/>
/// and <see cref="ISwitchEvents"/> (the registry does not depend on it).
/// </summary>
public interface ISwitchFlowsSource
{
    SwitchFlowsInfo? Flows(ulong datapathId);

    SwitchReconcileInfo? Reconcile(ulong datapathId);

    string? AppName(ulong datapathId);
}
