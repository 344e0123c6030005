using System.Threading.Channels;
using Apps.Flows;
using Apps.L2;
using Controller.Reconcile;
using Controller.Switches;

namespace Controller.Runtime;

/// <summary>
/// One connected switch as the runtime sees it, and its actor: its connection, its current ports (as
/// the apps see them), its own MAC table, the app that programs it and that app's reconciler. App
/// selection, swaps and stop run on the switch's own task, woken through a one-slot signal (changes
/// are level-triggered, so a wake-up while one is pending folds into it): a slow switch delays only
/// itself. PACKET_INs do not come through here; they are answered on the switch's event loop.
/// </summary>
internal sealed class ManagedSwitch
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private volatile SwitchSnapshot _snapshot;
    private volatile SwitchReconciler? _reconciler;
    private Task _loop = Task.CompletedTask;

    public ManagedSwitch(ISwitchConnection connection)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _snapshot = SnapshotOf(connection.DatapathId.Value, connection.Ports);
    }

    public ISwitchConnection Connection { get; }

    public ulong DatapathId => Connection.DatapathId.Value;

    /// <summary>This switch's MAC-to-port table (the learning switch's state); its lock is never contended by other switches.</summary>
    public L2MacTables Macs { get; } = new();

    /// <summary>This switch's DHCP rate limit per client MAC; used only on the switch's event loop.</summary>
    public Apps.Dhcp.DhcpRateLimiter? DhcpLimiter { get; set; }

    /// <summary>The ports as the apps see them; replaced on every PORT_STATUS.</summary>
    public SwitchSnapshot Snapshot
    {
        get => _snapshot;
        set => _snapshot = value;
    }

    /// <summary>The reconciler of the current app (null before the first run and while the app is being swapped).</summary>
    public SwitchReconciler? Reconciler
    {
        get => _reconciler;
        set => _reconciler = value;
    }

    public IFlowApp? App => _reconciler?.App;

    /// <summary>Completes when the actor has stopped (after <see cref="Complete"/>).</summary>
    public Task Completion => _loop;

    /// <summary>
    /// Starts the actor: <paramref name="evaluate"/> runs once now and again after every
    /// <see cref="Poke"/>; <paramref name="stop"/> runs once after <see cref="Complete"/>.
    /// </summary>
    public void Start(Func<ManagedSwitch, Task> evaluate, Func<ManagedSwitch, Task> stop)
    {
        _wake.Writer.TryWrite(true);
        _loop = Task.Run(() => RunAsync(evaluate, stop));
    }

    /// <summary>Something this switch's flows depend on changed (store, ports): re-evaluate soon.</summary>
    public void Poke() => _wake.Writer.TryWrite(true);

    /// <summary>The switch left: the actor finishes its current step, then stops its reconciler.</summary>
    public void Complete() => _wake.Writer.TryComplete();

    public static SwitchSnapshot SnapshotOf(ulong datapathId, IEnumerable<OpenFlow.Messages.Port> ports) =>
        new(datapathId, ports
            .Where(p => p.PortNo <= OpenFlow.Protocol.OfpPort.Max)
            .Select(p => new SwitchPort(p.PortNo, p.Name, p.HwAddr)));

    private async Task RunAsync(Func<ManagedSwitch, Task> evaluate, Func<ManagedSwitch, Task> stop)
    {
        var reader = _wake.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                }

                await evaluate(this).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop(this).ConfigureAwait(false);
        }
    }
}
