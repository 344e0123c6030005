using System.Globalization;
using System.Threading.Channels;
using Apps.Flows;
using Apps.Model;
using Controller.Switches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Controller.Reconcile;

/// <summary>
/// Owns one switch's flows for one app. On <see cref="Start"/> (a connect) it reads back the flows
/// under the app's cookie prefix and fixes only the difference; afterwards each
/// <see cref="Invalidate"/> (store or port change) triggers, after a debounce, a recompute of the
/// desired flows from the latest state (level-triggered) and a diff against the flows it knows are
/// installed. Deletes go first, then a barrier, then adds and modifies, then a barrier; a flow counts
/// as installed only once its barrier returned clean. An error, or a lost reply, makes the next run
/// a full resync (dump and diff again).
/// </summary>
public sealed partial class SwitchReconciler : IAsyncDisposable
{
    private readonly IFlowSwitch _switch;
    private readonly IFlowApp _app;
    private readonly Func<NetworkSnapshot> _network;
    private readonly Func<SwitchSnapshot> _switchState;
    private readonly SwitchReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CookieScope _scope;
    private readonly string _dpid;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();

    private Task? _loop;
    private Task? _auditTimer;
    private volatile ReconcilerState _state = ReconcilerState.Connecting;
    private long _confirmedVersion = -1;
    private int _changed;
    private int _auditDue;
    private long _audits;
    private bool _repairing;
    private long _driftRepairs;
    private long _reactiveFlowMods;
    private volatile bool _needFull = true;
    private volatile bool _immediate;
    private volatile bool _busy;
    private Dictionary<FlowKey, FlowEntry>? _installed;
    private FlowSet _desired = FlowSet.Empty;
    private ReconcileInfo? _last;
    private Exception? _lastError;
    private TimeSpan _retry;
    private long _runs;
    private long _fullSyncs;
    private long _flowModsSent;

    public SwitchReconciler(
        IFlowSwitch flowSwitch,
        IFlowApp app,
        Func<NetworkSnapshot> network,
        Func<SwitchSnapshot> switchState,
        SwitchReconcilerOptions? options = null,
        TimeProvider? time = null,
        ILogger<SwitchReconciler>? logger = null)
    {
        _switch = flowSwitch ?? throw new ArgumentNullException(nameof(flowSwitch));
        _app = app ?? throw new ArgumentNullException(nameof(app));
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _switchState = switchState ?? throw new ArgumentNullException(nameof(switchState));
        _options = options ?? new SwitchReconcilerOptions();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _scope = CookieScope.For(app);
        _dpid = flowSwitch.DatapathId.ToString("x16", CultureInfo.InvariantCulture);
        _retry = _options.RetryDelay;
    }

    public ulong DatapathId => _switch.DatapathId;

    public IFlowApp App => _app;

    public CookieScope Scope => _scope;

    /// <summary>The last reconcile's counts, or null before the first one finished.</summary>
    public ReconcileInfo? LastReconcile
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>The last failure, cleared by the next successful reconcile.</summary>
    public Exception? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    /// <summary>The flows the app wanted at the last reconcile, in display order.</summary>
    public IReadOnlyList<FlowEntry> Desired
    {
        get
        {
            FlowSet desired;
            lock (_lock)
            {
                desired = _desired;
            }

            return desired.Ordered;
        }
    }

    /// <summary>How many flows the app wanted at the last reconcile (without sorting them).</summary>
    public int DesiredCount
    {
        get
        {
            lock (_lock)
            {
                return _desired.Count;
            }
        }
    }

    /// <summary>How many managed flows are known to be installed; 0 while unknown.</summary>
    public int InstalledCount
    {
        get
        {
            lock (_lock)
            {
                return _installed?.Count ?? 0;
            }
        }
    }

    /// <summary>The managed flows known to be installed (confirmed by a barrier or read back), in display order; empty while unknown.</summary>
    public IReadOnlyList<FlowEntry> Installed
    {
        get
        {
            // Copied under the lock, sorted outside it: sorting 100,000 flows takes a few hundred ms, and the
            // reconcile and the PACKET_IN path must not wait for somebody listing flows.
            FlowEntry[] installed;
            lock (_lock)
            {
                if (_installed is null)
                {
                    return [];
                }

                installed = [.. _installed.Values];
            }

            return [.. FlowOrder.Sort(installed)];
        }
    }

    /// <summary>Desired and installed flows as ovs-ofctl-like text, with the last reconcile's counts (for REST).</summary>
    public SwitchFlowsInfo FlowsInfo() =>
        new(DatapathId, [.. Desired.Select(f => f.ToString())], [.. Installed.Select(f => f.ToString())], LastReconcile, StateName(State), ConfirmedVersion, DriftRepairs);

    /// <summary>snake_case name of a state, as REST and metrics show it.</summary>
    public static string StateName(ReconcilerState state) => state switch
    {
        ReconcilerState.Connecting => "connecting",
        ReconcilerState.Syncing => "syncing",
        ReconcilerState.InSync => "in_sync",
        ReconcilerState.Drifted => "drifted",
        _ => "failed",
    };

    /// <summary>Where the reconciler stands (connecting, syncing, in sync, drifted, failed).</summary>
    public ReconcilerState State => _state;

    /// <summary>The network snapshot version the last successful run made the switch match; -1 before.</summary>
    public long ConfirmedVersion => Interlocked.Read(ref _confirmedVersion);

    /// <summary>Audits run while connected.</summary>
    public long Audits => Interlocked.Read(ref _audits);

    /// <summary>FLOW_MODs that repaired drift an audit found (flows deleted, changed or added behind our back).</summary>
    public long DriftRepairs => Interlocked.Read(ref _driftRepairs);

    /// <summary>Reactive FLOW_MODs written on behalf of the app's PACKET_IN handler (<see cref="WriteReactive"/>).</summary>
    public long ReactiveFlowMods => Interlocked.Read(ref _reactiveFlowMods);

    /// <summary>Raised with the number of repairing FLOW_MODs when an audit's drift was repaired.</summary>
    public event EventHandler<long>? DriftRepaired;

    /// <summary>Completed reconcile runs (successful or not).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Runs that read the switch's flows back.</summary>
    public long FullSyncs => Interlocked.Read(ref _fullSyncs);

    /// <summary>FLOW_MODs sent over the reconciler's lifetime.</summary>
    public long FlowModsSent => Interlocked.Read(ref _flowModsSent);

    /// <summary>True when no run is pending, debouncing or in progress.</summary>
    public bool IsIdle => !_busy && _signal.Reader.Count == 0;

    /// <summary>Raised after every run (from the reconciler's loop).</summary>
    public event EventHandler<ReconcileInfo>? Reconciled;

    /// <summary>Starts the loop and a full resync right away (the switch just connected).</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("already started");
            }

            _needFull = true;
            _immediate = true;
            _busy = true;
            _signal.Writer.TryWrite(true);
            _loop = Task.Run(() => LoopAsync(_stop.Token));
            if (_options.AuditInterval is { } every)
            {
                _auditTimer = Task.Run(() => AuditTimerAsync(every, _stop.Token));
            }
        }
    }

    /// <summary>Something the desired flows depend on changed: recompute after the debounce.</summary>
    public void Invalidate()
    {
        Interlocked.Exchange(ref _changed, 1);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>
    /// Writes a reactive FLOW_MOD the app's PACKET_IN handler decided on (a learned L2 flow), through
    /// <paramref name="write"/> on the switch's event loop. The reconciler stays the only writer of
    /// flows: it accepts only ADDs under one of its app's preserved cookies (which its diff never
    /// touches), so a handler cannot overwrite a flow the reconciler manages.
    /// </summary>
    public bool WriteReactive(OpenFlow.Messages.FlowMod flowMod, Action<OpenFlow.Messages.FlowMod> write)
    {
        ArgumentNullException.ThrowIfNull(flowMod);
        ArgumentNullException.ThrowIfNull(write);
        if (flowMod.Command != OpenFlow.Messages.FlowModCommand.Add || !TryCountReactive(flowMod.Cookie))
        {
            return false;
        }

        write(flowMod);
        return true;
    }

    /// <summary>
    /// The check and count of <see cref="WriteReactive"/> for an app that encodes its reactive
    /// OFPFC_ADD itself (the allocation-free PACKET_IN path): true when <paramref name="cookie"/> is
    /// one of the app's preserved cookies, and the FLOW_MOD is then counted as sent.
    /// </summary>
    public bool TryCountReactive(OpenFlow.Cookie cookie)
    {
        if (!_scope.Preserved.Contains(cookie.Value))
        {
            return false;
        }

        Interlocked.Increment(ref _reactiveFlowMods);
        Interlocked.Increment(ref _flowModsSent);
        return true;
    }

    /// <summary>
    /// Deletes every flow under the app's cookie prefix (managed and preserved) with a barrier; used
    /// when the switch changes app, after <see cref="DisposeAsync"/>. Returns the switch's errors.
    /// </summary>
    public async Task<IReadOnlyList<OpenFlow.Messages.ErrorMessage>> DeleteOwnedFlowsAsync(CancellationToken cancellationToken)
    {
        var delete = new OpenFlow.Messages.FlowMod
        {
            Command = OpenFlow.Messages.FlowModCommand.Delete,
            TableId = OpenFlow.Protocol.OfpConstants.AllTables,
            Cookie = new OpenFlow.Cookie(_scope.Prefix),
            CookieMask = _scope.Mask,
        };
        await _switch.SendAsync([delete], cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _flowModsSent);
        return await _switch.BarrierAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forget what is installed: the next run (immediately) dumps the switch and diffs again.</summary>
    public void RequestFullResync()
    {
        _needFull = true;
        _immediate = true;
        _signal.Writer.TryWrite(true);
    }

    public async ValueTask DisposeAsync()
    {
        _signal.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await StopMonitorAsync().ConfigureAwait(false);
        foreach (var task in new[] { _loop, _auditTimer })
        {
            if (task is null)
            {
                continue;
            }

            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown.
            }
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var reader = _signal.Reader;
        while (true)
        {
            _busy = false;
            if (!await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            _busy = true;
            if (!_immediate && Volatile.Read(ref _changed) == 1)
            {
                // Debounce: changes arriving during the window fold into this run.
                await Task.Delay(_options.Debounce, _time, ct).ConfigureAwait(false);
            }
            else if (!_immediate && MonitorDriftPending)
            {
                // A burst of monitor updates (one del-flows of many flows) folds into one repair.
                await Task.Delay(_options.DriftSettle, _time, ct).ConfigureAwait(false);
            }

            _immediate = false;
            while (reader.TryRead(out _))
            {
            }

            var audit = Interlocked.Exchange(ref _auditDue, 0) == 1;
            var changed = Interlocked.Exchange(ref _changed, 0) == 1;
            long? reconcileStarted = null;
            try
            {
                TakeMonitorDrift();
                if (audit && !_needFull && _state == ReconcilerState.InSync
                    && await AuditOnceAsync(ct).ConfigureAwait(false) is var verdict and not AuditVerdict.Clean)
                {
                    if (verdict == AuditVerdict.Mismatch)
                    {
                        _state = ReconcilerState.Drifted;
                    }

                    _repairing = true;
                    _needFull = true;
                }

                if (changed || _needFull)
                {
                    reconcileStarted = _time.GetTimestamp();
                    await ReconcileOnceAsync(ct).ConfigureAwait(false);
                }

                _retry = _options.RetryDelay;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive any failure of the switch or the app; it logs and resyncs.
            catch (Exception e)
#pragma warning restore CA1031
            {
                lock (_lock)
                {
                    _lastError = e;
                    _installed = null;
                }

                _state = ReconcilerState.Failed;
                _needFull = true;
                Interlocked.Increment(ref _runs);
                var delay = _retry;
                _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, _options.MaxRetryDelay.Ticks));
                Log.Failed(_logger, _dpid, delay.TotalMilliseconds, e);
                if (reconcileStarted is { } started)
                {
                    ReconcileFailed?.Invoke(this, _time.GetElapsedTime(started));
                }

                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                _immediate = true;
                _signal.Writer.TryWrite(true);
            }
        }
    }

    private async Task ReconcileOnceAsync(CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var full = _needFull || _installed is null;
        if (_state != ReconcilerState.Drifted)
        {
            _state = ReconcilerState.Syncing;
        }

        // A full reconcile asks for the switch's flows first and computes while the switch dumps them (the
        // dump of 100,000 flows takes the switch about as long as computing them takes us); nothing is sent
        // to the switch before the dump is read, so asking early changes no answer.
        Task<IReadOnlyList<FlowEntry>>? dumping = null;
        if (full)
        {
            _needFull = false;
            Interlocked.Increment(ref _fullSyncs);
            dumping = _switch.DumpFlowsAsync(_scope.Prefix, _scope.Mask, ct);
        }

        FlowSet set;
        NetworkSnapshot network;
        try
        {
            network = _network();
            var desired = _app.ComputeDesired(network, _switchState());
            set = desired as FlowSet ?? new FlowSet(desired);
        }
        catch when (dumping is not null)
        {
            _ = dumping.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        // Unsorted: the diff sorts only what it sends, and Desired sorts when somebody lists it.
        var wanted = set.Unordered;
        lock (_lock)
        {
            _desired = set;
        }

        var computed = _time.GetTimestamp();
        var computeMs = Milliseconds(started, computed);
        Dictionary<FlowKey, FlowEntry> installed;
        if (dumping is not null)
        {
            var dumped = await dumping.ConfigureAwait(false);
            installed = [];
            foreach (var f in dumped)
            {
                if (_scope.Manages(f.Cookie.Value))
                {
                    installed[f.Key] = f.Canonical();
                }
            }

            lock (_lock)
            {
                _installed = new Dictionary<FlowKey, FlowEntry>(installed);
            }

            // The dump also feeds the diff, including its foreign entries (for overwrite warnings).
            installed = new Dictionary<FlowKey, FlowEntry>(installed);
            var readBack = _time.GetTimestamp();
            var diffFull = FlowDiff.Compute(wanted, dumped, _scope);
            var diffed = _time.GetTimestamp();
            await ApplyAsync(diffFull, installed, ct, atomic: true).ConfigureAwait(false);
            var phasesFull = new ReconcilePhases(computeMs, Milliseconds(computed, readBack), Milliseconds(readBack, diffed), Milliseconds(diffed, _time.GetTimestamp()));
            Finish(diffFull, installed, started, full: true, network.Version, phasesFull);
            EnsureMonitor();
            return;
        }

        lock (_lock)
        {
            installed = new Dictionary<FlowKey, FlowEntry>(_installed!);
        }

        var diff = FlowDiff.Compute(wanted, installed.Values, _scope);
        var done = _time.GetTimestamp();
        await ApplyAsync(diff, installed, ct, atomic: false).ConfigureAwait(false);
        var phases = new ReconcilePhases(computeMs, 0, Milliseconds(computed, done), Milliseconds(done, _time.GetTimestamp()));
        Finish(diff, installed, started, full: false, network.Version, phases);
        EnsureMonitor();
    }

    private double Milliseconds(long from, long to) => _time.GetElapsedTime(from, to).TotalMilliseconds;

    private async Task ApplyAsync(FlowDiffResult diff, Dictionary<FlowKey, FlowEntry> installed, CancellationToken ct, bool atomic)
    {
        foreach (var o in diff.Overwrites)
        {
            Log.Overwrite(_logger, _dpid, o.ToString());
        }

        if (diff.IsEmpty)
        {
            return;
        }

        // drifted -> syncing -> in sync: the repair is being applied.
        _state = ReconcilerState.Syncing;
        if (atomic && await TryApplyBundleAsync(diff, installed, ct).ConfigureAwait(false))
        {
            return;
        }

        if (diff.Deletes.Count != 0)
        {
            await SendBatchAsync(diff.DeleteMessages(), "delete", diff.Deletes, ct).ConfigureAwait(false);
            foreach (var d in diff.Deletes)
            {
                installed.Remove(d.Key);
            }

            Publish(installed);
        }

        if (diff.Adds.Count + diff.Modifies.Count != 0)
        {
            await SendBatchAsync(diff.AddAndModifyMessages(), "add/modify", [.. diff.Adds, .. diff.Modifies], ct).ConfigureAwait(false);
            foreach (var f in diff.Adds.Concat(diff.Modifies))
            {
                installed[f.Key] = f;
            }

            Publish(installed);
        }
    }

    private async Task SendBatchAsync(IReadOnlyList<OpenFlow.Messages.OfpMessage> messages, string command, IReadOnlyList<FlowEntry> flows, CancellationToken ct)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            foreach (var f in flows)
            {
                Log.FlowChange(_logger, _dpid, command, f.ToString());
            }
        }

        // Until the barrier says otherwise, nothing about this switch's table is certain.
        lock (_lock)
        {
            _installed = null;
        }

        await _switch.SendAsync(messages, ct).ConfigureAwait(false);
        Interlocked.Add(ref _flowModsSent, messages.Count);
        var errors = await _switch.BarrierAsync(ct).ConfigureAwait(false);
        if (errors.Count != 0)
        {
            throw new FlowBatchException(errors);
        }
    }

    private void Publish(Dictionary<FlowKey, FlowEntry> installed)
    {
        lock (_lock)
        {
            _installed = new Dictionary<FlowKey, FlowEntry>(installed);
        }
    }

    private void Finish(FlowDiffResult diff, Dictionary<FlowKey, FlowEntry> installed, long started, bool full, long version, ReconcilePhases phases)
    {
        Interlocked.Exchange(ref _confirmedVersion, version);
        _state = ReconcilerState.InSync;
        if (_repairing)
        {
            _repairing = false;
            long repairs = diff.Adds.Count + diff.Modifies.Count + diff.Deletes.Count;
            if (repairs != 0)
            {
                Interlocked.Add(ref _driftRepairs, repairs);
                Log.DriftRepaired(_logger, _dpid, diff.Adds.Count, diff.Modifies.Count, diff.Deletes.Count);
                DriftRepaired?.Invoke(this, repairs);
            }
        }

        var ms = _time.GetElapsedTime(started).TotalMilliseconds;
        var info = new ReconcileInfo(_time.GetUtcNow(), diff.Adds.Count, diff.Modifies.Count, diff.Deletes.Count, diff.Unchanged, ms, phases);
        lock (_lock)
        {
            _installed = installed;
            _last = info;
            _lastError = null;
        }

        Interlocked.Increment(ref _runs);
        Log.Reconciled(_logger, _dpid, info.Added, info.Modified, info.Deleted, info.Unchanged, ms, full, phases.ComputeMs, phases.ReadBackMs, phases.DiffMs, phases.ApplyMs);
        Reconciled?.Invoke(this, info);
    }

    private async Task AuditTimerAsync(TimeSpan every, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, _time, ct).ConfigureAwait(false);
            Interlocked.Exchange(ref _auditDue, 1);
            _signal.Writer.TryWrite(true);
        }
    }

    /// <summary>
    /// True when the switch's flows under our cookies may differ from what we installed. Cheap first:
    /// per table (and over all tables) the count under the app's prefix minus the preserved cookies'
    /// counts must equal the number of managed flows we know there; every
    /// <see cref="SwitchReconcilerOptions.AuditFullEvery"/>th audit reports a mismatch anyway so the
    /// following full read-back also catches flows changed in place.
    /// </summary>
    private async Task<AuditVerdict> AuditOnceAsync(CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _audits);
        if (n % Math.Max(1, _options.AuditFullEvery) == 0)
        {
            return AuditVerdict.Periodic;
        }

        Dictionary<byte, int> perTable = [];
        int total;
        lock (_lock)
        {
            if (_installed is null)
            {
                return AuditVerdict.Mismatch;
            }

            total = _installed.Count;
            foreach (var f in _installed.Values)
            {
                perTable[f.TableId] = perTable.GetValueOrDefault(f.TableId) + 1;
            }
        }

        if (await ManagedCountAsync(OpenFlow.Protocol.OfpConstants.AllTables, ct).ConfigureAwait(false) != total)
        {
            return AuditVerdict.Mismatch;
        }

        foreach (var (table, expected) in perTable)
        {
            if (await ManagedCountAsync(table, ct).ConfigureAwait(false) != expected)
            {
                return AuditVerdict.Mismatch;
            }
        }

        return AuditVerdict.Clean;
    }

    private async Task<long> ManagedCountAsync(byte table, CancellationToken ct)
    {
        var count = await _switch.CountFlowsAsync(table, _scope.Prefix, _scope.Mask, ct).ConfigureAwait(false);
        foreach (var preserved in _scope.Preserved)
        {
            count -= await _switch.CountFlowsAsync(table, preserved, ulong.MaxValue, ct).ConfigureAwait(false);
        }

        return count;
    }

    private enum AuditVerdict
    {
        Clean,
        Mismatch,
        Periodic,
    }
}
