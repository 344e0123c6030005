using System.Collections.Concurrent;
using System.Globalization;
using Apps.Integration;
using Apps.Overlay;
using Apps.Dhcp;
using Apps.Flows;
using Apps.L2;
using Apps.Model;
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
/// The controller's wiring between the tenant store, the switches and the apps. Each ready switch is
/// an actor (<see cref="ManagedSwitch"/>) with its own task, MAC table, app (see <see cref="Choose"/>)
/// and <see cref="SwitchReconciler"/>, which reads the switch's flows back on connect and sends only
/// the difference. Store snapshots and port changes only wake the affected actors (level-triggered);
/// nothing here waits on one switch on behalf of another. An app swap (a bridge becomes a br-tun)
/// deletes the old app's flows by cookie first. PACKET_INs of learning-switch bridges are answered on
/// the switch's own event loop (<see cref="IPacketInHandler"/>), never through a shared queue.
/// Also the source of <see cref="ISwitchDirectory.Flows"/> (desired, installed, last reconcile).
/// </summary>
internal sealed partial class FlowRuntime : BackgroundService, ISwitchFlowsSource, IPacketInHandler, Controller.Trace.ITraceSource
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
    private readonly DhcpResponder _dhcp;
    private readonly int _underlayMtu;
    private readonly ConcurrentDictionary<ulong, ManagedSwitch> _switches = new();
    private readonly RuntimeMetrics _runtimeMetrics;
    private readonly IRoleArbiter? _arbiter;

    public FlowRuntime(
        ISwitchEvents events,
        TenantStore store,
        ControllerMetrics metrics,
        IOptions<RuntimeOptions> options,
        ILogger<FlowRuntime> logger,
        ILogger<SwitchReconciler> reconcilerLogger,
        TimeProvider? time = null,
        IOptions<PlumbingOptions>? plumbing = null,
        IRoleArbiter? arbiter = null)
    {
        _arbiter = arbiter;
        ArgumentNullException.ThrowIfNull(options);
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _reconcilerLogger = reconcilerLogger ?? throw new ArgumentNullException(nameof(reconcilerLogger));
        _time = time ?? TimeProvider.System;
        _options = options.Value;
        _reconcilerOptions = new SwitchReconcilerOptions
        {
            Debounce = _options.Debounce,
            RetryDelay = _options.RetryDelay,
            AuditInterval = _options.AuditInterval,
            AuditFullEvery = _options.AuditFullEvery,
            FlowMonitor = _options.FlowMonitor,
            Bundles = _options.Bundles,
        };
        _runtimeMetrics = new RuntimeMetrics(_metrics, () => _switches.Values);
        foreach (var (key, app) in _options.Apps)
        {
            if (OpenFlow.DatapathId.TryParse(key, out var dpid))
            {
                _overrides[dpid.Value] = app;
            }
        }

        var names = plumbing?.Value ?? new PlumbingOptions();
        _underlayMtu = names.UnderlayMtu;
        _dhcp = new DhcpResponder(new DhcpSettings { LeaseTime = _options.DhcpLeaseTime });
        _brTun = new BrTunPipeline(new BrTunOptions
        {
            PatchIntPortName = names.PatchIntPort,
            L2Population = _options.L2Population,
            LearnHardTimeout = _options.LearnHardTimeout,
            ArpResponder = _options.ArpResponder,
            NdResponder = _options.NdResponder,
            Dhcp = _options.Dhcp,
            DhcpServerMac = _dhcp.Settings.ServerMac,
        });
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

        var computed = r.App.ComputeDesired(_store.Current, m.Snapshot);
        var desired = (computed is FlowSet set ? set.Unordered : computed).Select(f => f.Canonical()).ToHashSet();
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
            r.LastReconcile,
            SwitchReconciler.StateName(r.State),
            r.ConfirmedVersion,
            r.DriftRepairs,
            SwitchReconciler.MonitorStateName(r.MonitorState),
            r.MonitorDriftEvents,
            r.BundleCommits);
    }

    public SwitchReconcileInfo? Reconcile(ulong datapathId)
    {
        if (FindReconciler(datapathId) is not { } r)
        {
            return null;
        }

        return new SwitchReconcileInfo(
            datapathId,
            SwitchReconciler.StateName(r.State),
            r.ConfirmedVersion,
            r.LastReconcile,
            r.DesiredCount,
            r.InstalledCount,
            r.DriftRepairs,
            SwitchReconciler.MonitorStateName(r.MonitorState),
            r.MonitorDriftEvents,
            r.BundleCommits);
    }

    /// <summary>A connected switch's ports and the flows its reconciler wants on it (for packet traces).</summary>
    public Apps.Trace.SwitchView? View(ulong datapathId) =>
        _switches.TryGetValue(datapathId, out var m) && m.Reconciler is { } r ? new Apps.Trace.SwitchView(m.Snapshot, r.Desired) : null;

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
        var all = _switches.Values.ToList();
        _switches.Clear();
        foreach (var m in all)
        {
            m.Complete();
        }

        await Task.WhenAll(all.Select(m => m.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var subscription = _events.Subscribe("runtime");
        using var packetIns = _events.HandlePacketIns(this);
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

    /// <summary>A store snapshot only wakes every switch's actor; each reads the latest snapshot itself.</summary>
    private async Task PumpStoreAsync(CancellationToken ct)
    {
        await foreach (var snapshot in _store.Subscribe(ct).ReadAllAsync(ct).ConfigureAwait(false))
        {
            foreach (var m in _switches.Values)
            {
                m.Poke();
            }
        }
    }

    /// <summary>
    /// Routes lifecycle events to the switches' actors without waiting for any of them: creating an
    /// actor, waking it or completing it never blocks, so a slow switch holds up no other.
    /// </summary>
    private async Task PumpSwitchEventsAsync(SwitchEventSubscription subscription, CancellationToken ct)
    {
        var reader = subscription.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out var e))
            {
                try
                {
                    Route(e);
                }
#pragma warning disable CA1031 // One bad event must not stop the runtime for every other switch.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.EventFailed(_logger, Hex(e.DatapathId.Value), e.GetType().Name, ex);
                }
            }
        }
    }

    private void Route(SwitchEvent e)
    {
        switch (e)
        {
            case SwitchConnected c:
                OnConnected(c.Connection);
                break;
            case SwitchDisconnected d:
                if (_switches.TryGetValue(d.DatapathId.Value, out var gone) && ReferenceEquals(gone.Connection, d.Connection)
                    && _switches.TryRemove(new KeyValuePair<ulong, ManagedSwitch>(gone.DatapathId, gone)))
                {
                    gone.Complete();
                    Log.SwitchGone(_logger, Hex(gone.DatapathId));
                }

                break;
            case SwitchPortsChanged p:
                if (_switches.TryGetValue(p.DatapathId.Value, out var m))
                {
                    m.Snapshot = ManagedSwitch.SnapshotOf(m.DatapathId, p.Ports);
                    if (p.Change.Reason == PortReason.Delete || !p.Change.Desc.IsUp)
                    {
                        m.Macs.ForgetPort(m.DatapathId, p.Change.Desc.PortNo);
                    }

                    m.Poke();
                }

                break;
            case SwitchRoleChanged r:
                if (_switches.TryGetValue(r.DatapathId.Value, out var changed) && ReferenceEquals(changed.Connection, r.Connection))
                {
                    changed.Poke();
                }

                break;
            case SwitchError err:
                Log.SwitchError(_logger, Hex(err.DatapathId.Value), err.Error.Describe());
                break;
            default:
                break;
        }
    }

    private void OnConnected(ISwitchConnection connection)
    {
        var dpid = connection.DatapathId.Value;
        if (_switches.TryRemove(dpid, out var previous))
        {
            previous.Complete();
        }

        if (!connection.IsActive)
        {
            return;
        }

        var m = new ManagedSwitch(connection);
        _switches[dpid] = m;
        m.Start(EvaluateAsync, StopSwitchAsync);
    }

    /// <summary>One step of a switch's actor: start its app, or keep it, or swap it for the one the state now selects.</summary>
    private async Task EvaluateAsync(ManagedSwitch m)
    {
        try
        {
            await ApplySelectionAsync(m, _store.Current).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The actor must survive one failed step; the next change retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.EventFailed(_logger, Hex(m.DatapathId), "app selection", ex);
        }
    }

    /// <summary>Keeps the switch's app, or swaps it when the selection changed; then asks for a recompute.</summary>
    private async Task ApplySelectionAsync(ManagedSwitch m, NetworkSnapshot network)
    {
        if (!IsWriter(m))
        {
            await StepDownAsync(m).ConfigureAwait(false);
            return;
        }

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
            await DeleteAppFlowsAsync(m, old).ConfigureAwait(false);
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
        _runtimeMetrics.Watch(reconciler);
        m.Reconciler = reconciler;
        reconciler.Start();
        Log.SwitchProgrammed(_logger, Hex(m.DatapathId), m.Connection.RemoteAddress, app.Id.Name, m.Snapshot.Ports.Length);
    }

    /// <summary>The old app's reconciler deletes everything under its cookie prefix (it stays the only writer of flows).</summary>
    private async Task DeleteAppFlowsAsync(ManagedSwitch m, SwitchReconciler old)
    {
        if (old.App is L2LearningSwitch)
        {
            m.Macs.Forget(m.DatapathId);
        }

        try
        {
            _metrics.FlowMods(1);
            var errors = await old.DeleteOwnedFlowsAsync(CancellationToken.None).ConfigureAwait(false);
            if (errors.Count != 0)
            {
                Log.SwitchError(_logger, Hex(m.DatapathId), errors[0].Describe());
            }
        }
        catch (Exception ex) when (ex is SwitchDisconnectedException or TimeoutException or OpenFlowErrorException)
        {
            // The new app's reconciler reads the switch back and reports what it cannot fix.
            Log.CleanupFailed(_logger, Hex(m.DatapathId), old.App.Id.Name, ex);
        }
    }

    private static async Task StopSwitchAsync(ManagedSwitch m)
    {
        if (m.Reconciler is { } r)
        {
            m.Reconciler = null;
            await r.DisposeAsync().ConfigureAwait(false);
        }

        m.Macs.Forget(m.DatapathId);
    }

    /// <summary>
    /// A learning-switch PACKET_IN, on the switch's event loop: learn, decide, write the answers
    /// (flushed with the read burst). Only the switch's own MAC table is touched.
    /// </summary>
    void IPacketInHandler.OnPacketIn(ISwitchConnection connection, in PacketInView packetIn, IPacketOutput output)
    {
        var dpid = connection.DatapathId.Value;
        if (!_switches.TryGetValue(dpid, out var m) || !ReferenceEquals(m.Connection, connection))
        {
            return;
        }

        if (m.Reconciler is { App: BrTunPipeline })
        {
            AnswerDhcp(m, packetIn, output);
            return;
        }

        if (m.Reconciler is not { App: L2LearningSwitch } reconciler || packetIn.InPort is not { } inPort)
        {
            return;
        }

        // In place, from the receive buffer to the burst's answer buffer: nothing is allocated.
        var frame = packetIn.Data;
        var verdict = _l2.Decide(m.Macs, dpid, inPort, frame, _time.GetUtcNow());
        if (verdict.Ignored is not null)
        {
            return;
        }

        if (verdict.IsForward && reconciler.TryCountReactive(_l2.ReactiveCookie))
        {
            var flowAdd = output.Reserve(OfpType.FlowMod, L2LearningSwitch.FlowAddLength, out var xid);
            if (!flowAdd.IsEmpty)
            {
                _l2.WriteFlowAdd(flowAdd, xid, verdict, inPort, packetIn.BufferId);
                _metrics.FlowMods(1);
            }
        }

        if (verdict.IsForward && packetIn.BufferId != OpenFlow.Protocol.OfpConstants.NoBuffer)
        {
            return; // the switch releases the buffered packet through the new flow
        }

        var dataLength = packetIn.BufferId == OpenFlow.Protocol.OfpConstants.NoBuffer ? frame.Length : 0;
        var packetOut = output.Reserve(OfpType.PacketOut, L2LearningSwitch.PacketOutLength(dataLength), out var outXid);
        if (!packetOut.IsEmpty)
        {
            L2LearningSwitch.WritePacketOut(packetOut, outXid, verdict, inPort, packetIn.BufferId, frame);
        }
    }

    /// <summary>
    /// A br-tun PACKET_IN is a DHCP client message (table 1's only controller flow): answer it from the
    /// store, on this switch's event loop, back out the port it came in on (patch-int, same VLAN).
    /// A client over its rate is dropped and counted; no answer for anything the store does not know.
    /// </summary>
    private void AnswerDhcp(ManagedSwitch m, in PacketInView packetIn, IPacketOutput output)
    {
        if (!_options.Dhcp || packetIn.TableId != Apps.Overlay.BrTun.FromLocal || packetIn.InPort is not { } inPort)
        {
            return;
        }

        var state = _store.Current;
        if (BrTunPipeline.FindHost(state, m.DatapathId) is not { } host)
        {
            return;
        }

        var frame = packetIn.Data;
        var limiter = m.DhcpLimiter ??= new DhcpRateLimiter(_options.DhcpRatePerClient, _options.DhcpBurstPerClient);
        if (frame.Length >= 12 && !limiter.TryAcquire(OpenFlow.MacAddress.Read(frame[6..12]).Value, _time.GetUtcNow()))
        {
            _runtimeMetrics.DhcpRateLimited();
            return;
        }

        var answer = _dhcp.Answer(state, host, frame, network => Apps.Plumbing.NetworkMtu.Of(state, network, _underlayMtu).Effective);
        _runtimeMetrics.Dhcp(answer.Outcome);
        if (answer.Frame is { } reply)
        {
            output.Write(new PacketOut
            {
                InPort = OpenFlow.Protocol.OfpPort.Controller,
                Actions = [new OpenFlow.Actions.OutputAction(inPort, 0)],
                Data = reply,
            });
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
