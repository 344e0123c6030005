using System.Collections.Concurrent;
using System.Globalization;
using Apps.Integration;
using Apps.Overlay;
using Apps.Flows;
using Apps.L2;
using Apps.Model;
using Controller.Api;
using Controller.Metrics;
using Controller.Switches;
using Controller.Plumbing;
using Controller.Reconcile;
using Controller.Store;
using Microsoft.Extensions.Options;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Runtime;

/// <summary>
/// The controller's wiring between the tenant store, the switches and the apps. It consumes two
/// streams on its own tasks (never on the DotNetty event loop): the store's snapshots and the switch
/// events. Each ready switch gets an app (see <see cref="Choose"/>) and a <see cref="SwitchReconciler"/>
/// over its connection, which reads the switch's flows back on connect and sends only the difference.
/// Store changes invalidate every switch and port changes their own switch; the reconcilers debounce
/// and recompute (level-triggered). An app swap (a bridge becomes a br-tun) deletes the old app's flows
/// by cookie first. PACKET_INs of learning-switch bridges are answered here with FLOW_MOD + PACKET_OUT.
/// Also the source of <see cref="ISwitchDirectory.Flows"/> (desired, installed, last reconcile).
/// </summary>
internal sealed partial class FlowRuntime : BackgroundService, ISwitchFlowsSource
{
    private readonly ISwitchEvents _events;
    private readonly TenantStore _store;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger<FlowRuntime> _logger;
    private readonly ILogger<SwitchReconciler> _reconcilerLogger;
    private readonly TimeProvider _time;
    private readonly RuntimeOptions _options;
    private readonly SwitchReconcilerOptions _reconcilerOptions;
    private readonly Dictionary<ulong, AppSelection> _overrides = [];
    private readonly BrTunPipeline _brTun;
    private readonly BrIntPipeline _brInt;
    private readonly L2LearningSwitch _l2;
    private readonly L2MacTables _macs = new();
    private readonly ConcurrentDictionary<ulong, ManagedSwitch> _switches = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Events drained between two flushes of PACKET_IN answers at most (bounds the latency a burst adds).</summary>
    private const int MaxPacketInBatch = 256;

    public FlowRuntime(
        ISwitchEvents events,
        TenantStore store,
        ControllerMetrics metrics,
        IOptions<RuntimeOptions> options,
        ILogger<FlowRuntime> logger,
        ILogger<SwitchReconciler> reconcilerLogger,
        TimeProvider? time = null,
        IOptions<PlumbingOptions>? plumbing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _reconcilerLogger = reconcilerLogger ?? throw new ArgumentNullException(nameof(reconcilerLogger));
        _time = time ?? TimeProvider.System;
        _options = options.Value;
        _reconcilerOptions = new SwitchReconcilerOptions { Debounce = _options.Debounce, RetryDelay = _options.RetryDelay };
        foreach (var (key, app) in _options.Apps)
        {
            if (WireFormat.TryParseDatapathId(key, out var dpid))
            {
                _overrides[dpid] = app;
            }
        }

        var names = plumbing?.Value ?? new PlumbingOptions();
        _brTun = new BrTunPipeline(new BrTunOptions { PatchIntPortName = names.PatchIntPort, L2Population = _options.L2Population, LearnHardTimeout = _options.LearnHardTimeout });
        _brInt = new BrIntPipeline(new BrIntOptions { PatchTunPortName = names.PatchTunPort });
        _l2 = new L2LearningSwitch(new L2LearningOptions { FlowIdleTimeout = _options.L2FlowIdleTimeout });
    }

    /// <summary>The br-tun app instance every br-tun switch runs.</summary>
    public BrTunPipeline BrTun => _brTun;

    /// <summary>The integration-bridge app instance every br-int runs.</summary>
    public BrIntPipeline BrInt => _brInt;

    /// <summary>The learning-switch app instance every other switch runs.</summary>
    public L2LearningSwitch L2 => _l2;

    /// <summary>The reconciler currently programming <paramref name="datapathId"/>, if it is connected.</summary>
    public SwitchReconciler? FindReconciler(ulong datapathId) =>
        _switches.TryGetValue(datapathId, out var m) ? m.Reconciler : null;

    /// <summary>
    /// True when the switch is connected, its reconciler is idle without error, and the flows it knows
    /// to be installed (confirmed by a barrier or read back) are exactly what its app wants for the
    /// current store snapshot and ports. A readiness check for tests and probes.
    /// </summary>
    public bool IsInSync(ulong datapathId)
    {
        if (!_switches.TryGetValue(datapathId, out var m) || m.Reconciler is not { } r
            || !r.IsIdle || r.LastError is not null || r.LastReconcile is null)
        {
            return false;
        }

        var desired = r.App.ComputeDesired(_store.Current, m.Snapshot).Select(f => f.Canonical()).ToHashSet();
        return desired.SetEquals(r.Installed);
    }

    public SwitchFlowsInfo? Flows(ulong datapathId)
    {
        if (FindReconciler(datapathId) is not { } r)
        {
            return null;
        }

        return new SwitchFlowsInfo(
            datapathId,
            [.. r.Desired.Select(FlowText.Format)],
            [.. r.Installed.Select(FlowText.Format)],
            r.LastReconcile);
    }

    public string? AppName(ulong datapathId) => FindReconciler(datapathId)?.App.Id.Name;

    /// <summary>
    /// The app of a switch: its entry in Runtime:Apps, else Runtime:DefaultApp; Auto means br-tun when the
    /// bridge has a patch-int port, br-int when it has a patch-tun port (Plumbing:PatchIntPort and
    /// Plumbing:PatchTunPort), br-tun when its datapath id is a host's, the learning switch otherwise. The
    /// learning switch is not VLAN-aware: on a br-int it would bridge tenants together.
    /// </summary>
    public AppSelection Choose(NetworkSnapshot network, SwitchSnapshot sw)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sw);
        var selection = _overrides.TryGetValue(sw.DatapathId, out var configured) ? configured : _options.DefaultApp;
        if (selection != AppSelection.Auto)
        {
            return selection;
        }

        if (sw.FindPort(_brTun.Options.PatchIntPortName) is not null)
        {
            return AppSelection.BrTun;
        }

        if (_brInt.Recognises(sw))
        {
            return AppSelection.BrInt;
        }

        return BrTunPipeline.FindHost(network, sw.DatapathId) is not null ? AppSelection.BrTun : AppSelection.L2Learning;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var m in _switches.Values)
            {
                await StopSwitchAsync(m).ConfigureAwait(false);
            }

            _switches.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var subscription = _events.Subscribe("runtime");
        var store = PumpStoreAsync(stoppingToken);
        var switches = PumpSwitchEventsAsync(subscription, stoppingToken);
        try
        {
            await Task.WhenAll(store, switches).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PumpStoreAsync(CancellationToken ct)
    {
        await foreach (var snapshot in _store.Subscribe(ct).ReadAllAsync(ct).ConfigureAwait(false))
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                foreach (var m in _switches.Values)
                {
                    try
                    {
                        await ApplySelectionAsync(m, snapshot).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // One switch's failure must not stop the others from following the store.
                    catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                    {
                        Log.EventFailed(_logger, Hex(m.DatapathId), "store snapshot " + snapshot.Version.ToString(CultureInfo.InvariantCulture), ex);
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task PumpSwitchEventsAsync(SwitchEventSubscription subscription, CancellationToken ct)
    {
        var reader = subscription.Reader;
        var answers = new PacketInAnswers();
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            // Drain what is queued: PACKET_INs are answered in order and each switch's answers go out with
            // one flush; any other event first flushes the answers gathered so far.
            var handled = 0;
            while (handled++ < MaxPacketInBatch && reader.TryRead(out var e))
            {
                if (e is SwitchPacketIn packetIn)
                {
                    OnPacketIn(packetIn, answers);
                    continue;
                }

                Flush(answers);
                await HandleGuardedAsync(e, ct).ConfigureAwait(false);
            }

            Flush(answers);
        }
    }

    private async Task HandleGuardedAsync(SwitchEvent e, CancellationToken ct)
    {
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await OnLifecycleAsync(e).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One bad event must not stop the runtime for every other switch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.EventFailed(_logger, Hex(e.DatapathId.Value), e.GetType().Name, ex);
        }
    }

    private async Task OnLifecycleAsync(SwitchEvent e)
    {
        switch (e)
        {
            case SwitchConnected c:
                await OnConnectedAsync(c.Connection).ConfigureAwait(false);
                break;
            case SwitchDisconnected d:
                if (_switches.TryGetValue(d.DatapathId.Value, out var gone) && ReferenceEquals(gone.Connection, d.Connection))
                {
                    _switches.TryRemove(new KeyValuePair<ulong, ManagedSwitch>(gone.DatapathId, gone));
                    await StopSwitchAsync(gone).ConfigureAwait(false);
                    Log.SwitchGone(_logger, Hex(gone.DatapathId));
                }

                break;
            case SwitchPortsChanged p:
                if (_switches.TryGetValue(p.DatapathId.Value, out var m))
                {
                    m.Snapshot = ManagedSwitch.SnapshotOf(m.DatapathId, p.Ports);
                    if (p.Change.Reason == PortReason.Delete || !p.Change.Desc.IsUp)
                    {
                        _macs.ForgetPort(m.DatapathId, p.Change.Desc.PortNo);
                    }

                    await ApplySelectionAsync(m, _store.Current).ConfigureAwait(false);
                }

                break;
            case SwitchError err:
                Log.SwitchError(_logger, Hex(err.DatapathId.Value), err.Error.Describe());
                break;
            default:
                break;
        }
    }

    private async Task OnConnectedAsync(ISwitchConnection connection)
    {
        var dpid = connection.DatapathId.Value;
        if (_switches.TryRemove(dpid, out var previous))
        {
            await StopSwitchAsync(previous).ConfigureAwait(false);
        }

        if (!connection.IsActive)
        {
            return;
        }

        var m = new ManagedSwitch(connection);
        _switches[dpid] = m;
        StartApp(m, Choose(_store.Current, m.Snapshot));
    }

    /// <summary>Keeps the switch's app, or swaps it when the selection changed; then asks for a recompute.</summary>
    private async Task ApplySelectionAsync(ManagedSwitch m, NetworkSnapshot network)
    {
        var wanted = Choose(network, m.Snapshot);
        if (m.Reconciler is { } current && SelectionOf(current.App) == wanted)
        {
            current.Invalidate();
            return;
        }

        if (m.Reconciler is { } old)
        {
            m.Reconciler = null;
            await old.DisposeAsync().ConfigureAwait(false);
            Log.AppSwapped(_logger, Hex(m.DatapathId), old.App.Id.Name, wanted.ToString());
            await DeleteAppFlowsAsync(m, old.App).ConfigureAwait(false);
        }

        StartApp(m, wanted);
    }

    private void StartApp(ManagedSwitch m, AppSelection selection)
    {
        IFlowApp app = selection switch
        {
            AppSelection.BrTun => _brTun,
            AppSelection.BrInt => _brInt,
            _ => _l2,
        };
        var reconciler = new SwitchReconciler(
            new ConnectionFlowSwitch(m.Connection, _metrics),
            app,
            () => _store.Current,
            () => m.Snapshot,
            _reconcilerOptions,
            _time,
            _reconcilerLogger);
        m.Reconciler = reconciler;
        reconciler.Start();
        Log.SwitchProgrammed(_logger, Hex(m.DatapathId), m.Connection.RemoteAddress, app.Id.Name, m.Snapshot.Ports.Length);
    }

    private async Task DeleteAppFlowsAsync(ManagedSwitch m, IFlowApp app)
    {
        if (app is L2LearningSwitch)
        {
            _macs.Forget(m.DatapathId);
        }

        var delete = new FlowMod
        {
            Command = FlowModCommand.Delete,
            TableId = OfpConstants.AllTables,
            Cookie = new OpenFlow.Cookie(app.Id.CookiePrefix),
            CookieMask = OpenFlow.Cookie.AppMask,
        };
        try
        {
            _metrics.FlowMods(1);
            var errors = await m.Connection.SendWithBarrierAsync([delete]).ConfigureAwait(false);
            if (errors.Count != 0)
            {
                Log.SwitchError(_logger, Hex(m.DatapathId), errors[0].Describe());
            }
        }
        catch (Exception ex) when (ex is SwitchDisconnectedException or TimeoutException or OpenFlowErrorException)
        {
            // The new app's reconciler reads the switch back and reports what it cannot fix.
            Log.CleanupFailed(_logger, Hex(m.DatapathId), app.Id.Name, ex);
        }
    }

    private async Task StopSwitchAsync(ManagedSwitch m)
    {
        if (m.Reconciler is { } r)
        {
            m.Reconciler = null;
            await r.DisposeAsync().ConfigureAwait(false);
        }

        _macs.Forget(m.DatapathId);
    }

    private void OnPacketIn(SwitchPacketIn e, PacketInAnswers answers)
    {
        var dpid = e.DatapathId.Value;
        if (!_switches.TryGetValue(dpid, out var m) || m.App is not L2LearningSwitch)
        {
            return;
        }

        L2Decision decision;
        try
        {
            decision = _l2.HandlePacketIn(_macs, dpid, e.Message, _time.GetUtcNow());
        }
#pragma warning disable CA1031 // A malformed frame must not stop the runtime.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.EventFailed(_logger, Hex(dpid), nameof(SwitchPacketIn), ex);
            return;
        }

        if (decision.FlowMod is not null)
        {
            _metrics.FlowMods(1);
        }

        answers.Add(e.Connection, decision.Messages);
    }

    private void Flush(PacketInAnswers answers)
    {
        foreach (var (connection, messages) in answers.Take())
        {
            _ = SendObservedAsync(connection, messages);
        }
    }

    private async Task SendObservedAsync(ISwitchConnection connection, IReadOnlyList<OfpMessage> messages)
    {
        try
        {
            await connection.SendAsync(messages).ConfigureAwait(false);
        }
        catch (SwitchDisconnectedException)
        {
            // The switch left; its PACKET_IN no longer matters.
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            Log.PacketOutFailed(_logger, Hex(connection.DatapathId.Value), ex);
        }
    }

    private static AppSelection SelectionOf(IFlowApp app) => app switch
    {
        BrTunPipeline => AppSelection.BrTun,
        BrIntPipeline => AppSelection.BrInt,
        _ => AppSelection.L2Learning,
    };

    private static string Hex(ulong dpid) => dpid.ToString("x16", CultureInfo.InvariantCulture);
}
