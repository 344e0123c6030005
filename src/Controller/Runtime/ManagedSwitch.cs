using Apps.Flows;
using Controller.Switches;
using Controller.Reconcile;

namespace Controller.Runtime;

/// <summary>
/// One connected switch as the runtime sees it: its connection, its current ports (as the apps see
/// them), the app that programs it and that app's reconciler. Mutated only under the runtime's gate;
/// read from anywhere.
/// </summary>
internal sealed class ManagedSwitch
{
    private volatile SwitchSnapshot _snapshot;
    private volatile SwitchReconciler? _reconciler;

    public ManagedSwitch(ISwitchConnection connection)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _snapshot = SnapshotOf(connection.DatapathId.Value, connection.Ports);
    }

    public ISwitchConnection Connection { get; }

    public ulong DatapathId => Connection.DatapathId.Value;

    /// <summary>The ports as the apps see them; replaced on every PORT_STATUS.</summary>
    public SwitchSnapshot Snapshot
    {
        get => _snapshot;
        set => _snapshot = value;
    }

    /// <summary>The reconciler of the current app (null only while the app is being swapped).</summary>
    public SwitchReconciler? Reconciler
    {
        get => _reconciler;
        set => _reconciler = value;
    }

    public IFlowApp? App => _reconciler?.App;

    public static SwitchSnapshot SnapshotOf(ulong datapathId, IEnumerable<OpenFlow.Messages.Port> ports) =>
        new(datapathId, ports
            .Where(p => p.PortNo <= OpenFlow.Protocol.OfpPort.Max)
            .Select(p => new SwitchPort(p.PortNo, p.Name, p.HwAddr)));
}
