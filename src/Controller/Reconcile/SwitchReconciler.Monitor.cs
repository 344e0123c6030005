using Controller.Switches;
using OpenFlow.Messages;
using OpenFlow.Nicira;

namespace Controller.Reconcile;

/// <summary>
/// Drift repair through the switch's flow monitor. Once the switch is in sync the reconciler
/// subscribes to every table; its own FLOW_MODs come back abbreviated (by xid) and are ignored, while
/// a full update under one of our managed cookies is a change behind our back (a hand-made
/// del-flows, mod-flows or add-flow). Such an update marks the switch drifted and schedules one
/// repair run (a read-back and diff): any number of updates before that run starts fold into it.
/// Updates under foreign or preserved cookies (learned entries) are never acted on. A switch that
/// refuses the monitor keeps only the periodic audit.
/// </summary>
public sealed partial class SwitchReconciler
{
    private static int s_monitorIds;

    private volatile FlowMonitorState _monitorState = FlowMonitorState.Off;
    private uint _monitorId;
    private Task? _monitorStart;
    private int _monitorDrift;
    private long _monitorUpdates;
    private long _monitorDriftEvents;

    /// <summary>Whether changes are watched through a flow monitor (else: periodic audit only).</summary>
    public FlowMonitorState MonitorState => _monitorState;

    /// <summary>Flow monitor updates received (own changes included).</summary>
    public long MonitorUpdates => Interlocked.Read(ref _monitorUpdates);

    /// <summary>Monitor updates that reported a change behind our back under our cookies.</summary>
    public long MonitorDriftEvents => Interlocked.Read(ref _monitorDriftEvents);

    /// <summary>Raised (on the switch's I/O thread) for each monitor update that is drift; the argument is its event.</summary>
    public event EventHandler<NxFlowUpdateEvent>? DriftDetected;

    /// <summary>snake_case name of a monitor state, as REST shows it.</summary>
    public static string MonitorStateName(FlowMonitorState state) => state switch
    {
        FlowMonitorState.Active => "active",
        FlowMonitorState.Unsupported => "unsupported",
        _ => "off",
    };

    private bool MonitorDriftPending => Volatile.Read(ref _monitorDrift) == 1;

    /// <summary>
    /// After a run reached in sync: subscribe once, if the switch can and the options allow. The
    /// request runs beside the loop, so a switch that never answers it (its request times out) delays
    /// no reconcile; any failure leaves the periodic audit.
    /// </summary>
    private void EnsureMonitor()
    {
        if (_monitorState != FlowMonitorState.Off || !_options.FlowMonitor || _monitorStart is not null)
        {
            return;
        }

        if (_switch is not IFlowMonitorSwitch monitor)
        {
            _monitorState = FlowMonitorState.Unsupported;
            return;
        }

        _monitorStart = StartMonitorAsync(monitor, _stop.Token);
    }

    private async Task StartMonitorAsync(IFlowMonitorSwitch monitor, CancellationToken ct)
    {
        var id = (uint)Interlocked.Increment(ref s_monitorIds);
        try
        {
            await monitor.StartFlowMonitorAsync(id, OnMonitorMessage, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Refused (OFPT_ERROR), not answered (timeout), not deliverable, or the switch left: audit only.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _monitorState = FlowMonitorState.Unsupported;
            Log.MonitorRefused(_logger, _dpid, e.Message);
            return;
        }

        _monitorId = id;
        _monitorState = FlowMonitorState.Active;
        Log.MonitorStarted(_logger, _dpid, id);

        // A change between the last barrier and the monitor's start went unreported: a count audit
        // right away covers deleted and added flows in that window.
        Interlocked.Exchange(ref _auditDue, 1);
        _signal.Writer.TryWrite(true);
    }

    private async Task StopMonitorAsync()
    {
        if (_monitorStart is { } starting)
        {
            await starting.ConfigureAwait(false);
        }

        if (_monitorState != FlowMonitorState.Active || _switch is not IFlowMonitorSwitch monitor)
        {
            return;
        }

        _monitorState = FlowMonitorState.Off;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await monitor.StopFlowMonitorAsync(_monitorId, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The switch may be gone already; cancelling is best effort.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.MonitorCancelFailed(_logger, _dpid, e.Message);
        }
    }

    /// <summary>On the switch's I/O thread: classify, count, and at most flip a flag and signal the loop.</summary>
    private void OnMonitorMessage(OfpMessage message)
    {
        switch (message)
        {
            case MultipartReply { Body: NxFlowMonitorReply reply }:
                foreach (var update in reply.Updates)
                {
                    Interlocked.Increment(ref _monitorUpdates);
                    if (update is NxFlowUpdateFull full && _scope.Manages(full.Cookie.Value))
                    {
                        Interlocked.Increment(ref _monitorDriftEvents);
                        DriftDetected?.Invoke(this, full.Event);
                        MarkMonitorDrift();
                    }
                }

                break;
            case NxFlowMonitorResumed:
                // Updates were held back while paused; OVS sends what changed, but a read-back is the
                // cheap certainty (zero FLOW_MODs when nothing differs).
                MarkMonitorDrift();
                break;
        }
    }

    private void MarkMonitorDrift()
    {
        if (Interlocked.Exchange(ref _monitorDrift, 1) == 0)
        {
            if (_state == ReconcilerState.InSync)
            {
                _state = ReconcilerState.Drifted;
            }

            _signal.Writer.TryWrite(true);
        }
    }

    /// <summary>In the loop: consume the drift flag; true when a repair run is due.</summary>
    private bool TakeMonitorDrift()
    {
        if (Interlocked.Exchange(ref _monitorDrift, 0) == 0)
        {
            return false;
        }

        if (_state is ReconcilerState.InSync or ReconcilerState.Drifted)
        {
            _state = ReconcilerState.Drifted;
        }

        _repairing = true;
        _needFull = true;
        return true;
    }
}
