using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Apps.Model;
using Ovsdb.Operations;
using Ovsdb.Replication;
using Ovsdb.Rpc;
using Ovsdb.Schema;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary>
/// One host's OVSDB connection and its reconciler: one sequential loop owns the replica, the plan and the
/// status (no lock shared with other hosts). Level-triggered: a store change or a monitor update marks
/// the host dirty; after a short debounce the loop recomputes desired, diffs it against the replica and
/// sends the minimal transaction, or nothing when in sync.
/// </summary>
/// <remarks>
/// States: Handshake (list_dbs, get_schema, monitor) -> Unidentified (no system-id, or unknown and not
/// registrable) or Managed -> Closed. After a transaction that changed something the loop waits for the
/// monitor to echo it (bounded) before planning again, so it never re-sends a change the replica has not
/// seen yet; a failed <c>wait</c> means someone else changed a row we looked at: recompute from the update.
/// </remarks>
internal sealed partial class OvsdbHostSession
{
    private const string MonitorId = "ofc";
    private static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(2);

    private readonly OvsdbConnection _connection;
    private readonly OvsdbManager _manager;
    private readonly IHostInventory _inventory;
    private readonly IDesiredHostSource _source;
    private readonly OvsdbOptions _options;
    private readonly OvsdbMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IHostWriterGate _gate;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _remote;
    private OvsdbReplica? _replica;
    private DatabaseSchema? _schema;
    private HostOvsdbStatus _status;
    private HostPlan? _lastPlan;
    private DesiredHost _lastDesired = DesiredHost.Nothing;

    public OvsdbHostSession(OvsdbConnection connection, OvsdbManager manager, IHostInventory inventory, IDesiredHostSource source, OvsdbOptions options, OvsdbMetrics metrics, ILogger logger, TimeProvider time, IHostWriterGate? gate = null)
    {
        _gate = gate ?? SoleHostWriter.Instance;
        _connection = connection;
        _manager = manager;
        _inventory = inventory;
        _source = source;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _remote = connection.RemoteEndPoint?.ToString() ?? "?";
        _status = new HostOvsdbStatus
        {
            Connected = true,
            RemoteAddress = _remote,
            LocalAddress = connection.LocalEndPoint?.ToString(),
            ConnectedSince = connection.ConnectedAt,
        };
    }

    public HostOvsdbStatus Status => Volatile.Read(ref _status);

    /// <summary>The host this connection was identified as, once it is.</summary>
    public string? HostId => Status.HostId;

    public string Remote => _remote;

    /// <summary>Desired vs actual for REST; built from the loop's last immutable values.</summary>
    public HostOvsdbView View() => HostOvsdbView.Create(Status, Volatile.Read(ref _lastDesired), _replica?.Snapshot ?? ReplicaSnapshot.Empty, Volatile.Read(ref _lastPlan));

    public void Close(string reason)
    {
        Publish(s => s with { Problem = reason });
        _connection.Close(new InvalidOperationException(reason));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        void OnStoreChanged(NetworkSnapshot _) => _wake.Writer.TryWrite(true);
        void OnWriterChanged() => _wake.Writer.TryWrite(true);
        _inventory.Changed += OnStoreChanged;
        _gate.Changed += OnWriterChanged;
        try
        {
            if (!await HandshakeAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex) when (ex is IOException or OvsdbProtocolException or OvsdbRpcException or TimeoutException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
        {
            LogSessionEnded(_logger, _remote, Status.HostId ?? "-", ex.Message);
            if (ex is OvsdbProtocolException or OvsdbRpcException)
            {
                Publish(s => s with { Problem = ex.Message });
            }
        }
        finally
        {
            _inventory.Changed -= OnStoreChanged;
            _gate.Changed -= OnWriterChanged;
            Withdraw();
            Publish(s => s with { Connected = false });
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> HandshakeAsync(CancellationToken ct)
    {
        var dbs = await _connection.ListDatabasesAsync(ct).ConfigureAwait(false);
        if (!dbs.Contains(Database))
        {
            Refuse($"server has no {Database} database (has {string.Join(", ", dbs)})");
            return false;
        }

        var schema = await _connection.GetSchemaAsync(Database, ct).ConfigureAwait(false);
        string? missing = MissingEssentials(schema);
        if (missing is not null)
        {
            Refuse($"unexpected {Database} schema {schema.Version}: {missing}");
            return false;
        }

        _schema = schema;
        _replica = new OvsdbReplica(schema);
        var initial = await _connection.MonitorAsync(Database, MonitorId, MonitorRequests(schema), schema, ct).ConfigureAwait(false);
        _replica.Apply(initial);
        Publish(s => s with { SchemaVersion = schema.Version });
        LogMonitoring(_logger, _remote, schema.Version ?? "?", initial.RowCount);
        return true;
    }

    private void Refuse(string problem)
    {
        LogRefused(_logger, _remote, problem);
        Publish(s => s with { Problem = problem });
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var updates = _connection.Updates;
        Task<bool>? updateReady = null;
        Task<bool>? wakeReady = null;
        bool dirty = true;
        DateTimeOffset? notBefore = null;
        DateTimeOffset? echoUntil = null;
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (echoUntil is { } e && now >= e)
            {
                echoUntil = null;
            }

            if (notBefore is { } nb && now >= nb)
            {
                notBefore = null;
            }

            if (dirty && notBefore is null && echoUntil is null)
            {
                if (_options.Debounce > TimeSpan.Zero)
                {
                    await Task.Delay(_options.Debounce, _time, ct).ConfigureAwait(false);
                }

                Drain(updates);
                while (_wake.Reader.TryRead(out _))
                {
                }

                dirty = false;
                var outcome = await ReconcileAsync(ct).ConfigureAwait(false);
                switch (outcome)
                {
                    case Outcome.Sent:
                        dirty = true;
                        echoUntil = _time.GetUtcNow() + EchoWait;
                        break;
                    case Outcome.Retry:
                        dirty = true;
                        notBefore = _time.GetUtcNow() + _options.RetryDelay;
                        break;
                    case Outcome.Conflict:
                        return;
                }

                continue;
            }

            updateReady ??= updates.WaitToReadAsync(ct).AsTask();
            wakeReady ??= _wake.Reader.WaitToReadAsync(ct).AsTask();
            var until = notBefore ?? echoUntil;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = until is { } u ? Task.Delay(Max(u - _time.GetUtcNow(), TimeSpan.Zero), _time, timer.Token) : Task.Delay(Timeout.Infinite, timer.Token);
            await Task.WhenAny(updateReady, wakeReady, delay).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();

            if (updateReady.IsCompleted)
            {
                if (!await updateReady.ConfigureAwait(false))
                {
                    // The connection closed; Completion says why.
                    await _connection.Completion.ConfigureAwait(false);
                    return;
                }

                updateReady = null;
                Drain(updates);
                echoUntil = null;
                dirty = true;
            }

            if (wakeReady.IsCompleted)
            {
                wakeReady = null;
                while (_wake.Reader.TryRead(out _))
                {
                }

                dirty = true;
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Drain(ChannelReader<MonitorUpdate> updates)
    {
        while (updates.TryRead(out var u))
        {
            _replica!.Apply(u.Updates);
        }
    }

    private enum Outcome
    {
        Idle,
        Sent,
        Retry,
        Conflict,
    }

    private async Task<Outcome> ReconcileAsync(CancellationToken ct)
    {
        var snapshot = _replica!.Snapshot;
        var observed = HostObservation.From(snapshot);
        var state = _inventory.Current;
        var writer = WriterFor(observed.SystemId);
        var (host, conflict) = Identify(observed, state, writer.Mine);
        if (conflict)
        {
            return Outcome.Conflict;
        }

        if (host is null)
        {
            return Outcome.Idle;
        }

        if (writer.Mine)
        {
            LearnDatapathId(host, observed);
        }

        var target = ControllerTarget();
        string? datapathType = observed.DatapathTypes.Values.FirstOrDefault(t => t.Length > 0);
        DesiredHost desired;
        try
        {
            desired = _source.Compute(state, host, observed, target, datapathType);
        }
        catch (ArgumentException ex)
        {
            Publish(s => s with { Problem = "cannot compute plumbing: " + ex.Message });
            return Outcome.Idle;
        }

        Volatile.Write(ref _lastDesired, desired);
        var plan = HostPlanner.Compute(desired, snapshot, _schema!, $"ofcontroller: plumbing of host {host.Id}");
        Volatile.Write(ref _lastPlan, plan);
        string? problem = plan.Problems.IsEmpty ? null : string.Join("; ", plan.Problems);
        var send = writer.Mine ? Fence(plan, snapshot, observed.SystemId!, writer) : new Fenced([], -1);
        Publish(s => s with { InSync = plan.InSync, Problem = problem });
        if (send is null)
        {
            return Outcome.Retry;
        }

        if (send.Operations.IsEmpty)
        {
            return Outcome.Idle;
        }

        _metrics.Transaction();
        _manager.CountTransaction();
        var at = _time.GetUtcNow();
        try
        {
            await _metrics.TimedAsync(() => _connection.TransactAsync(Database, send.Operations, ct), _time).ConfigureAwait(false);
            LogTransacted(_logger, host.Id, _remote, send.Operations.Length, plan.InSync ? "writer token set" : string.Join("; ", plan.Changes));
            Publish(s => s with { LastTransactionAt = at, LastTransactionResult = "ok", Transactions = s.Transactions + 1 });
            return Outcome.Sent;
        }
        catch (OvsdbTransactionException ex) when (RefusedByFence(ex, send, observed.SystemId!))
        {
            // A newer writer took the host over while we were not looking; its token arrives with the update.
            _metrics.Failure("fence");
            Publish(s => s with { LastTransactionAt = at, LastTransactionResult = ex.Message, Transactions = s.Transactions + 1, TransactionFailures = s.TransactionFailures + 1 });
            return Outcome.Sent;
        }
        catch (OvsdbTransactionException ex) when (ex.IsWaitFailure)
        {
            // A concurrent ovs-vsctl changed what we based the plan on; its update brings the new state.
            _metrics.Failure("wait");
            LogConcurrentChange(_logger, host.Id, ex.Message);
            Publish(s => s with { LastTransactionAt = at, LastTransactionResult = ex.Message, Transactions = s.Transactions + 1, TransactionFailures = s.TransactionFailures + 1 });
            return Outcome.Sent;
        }
        catch (Exception ex) when (ex is OvsdbTransactionException or TimeoutException or OvsdbRpcException)
        {
            _metrics.Failure(ex is TimeoutException ? "timeout" : "error");
            LogTransactionFailed(_logger, host.Id, _remote, ex.Message);
            Publish(s => s with { LastTransactionAt = at, LastTransactionResult = ex.Message, Transactions = s.Transactions + 1, TransactionFailures = s.TransactionFailures + 1, Problem = "transaction failed: " + ex.Message });
            return Outcome.Retry;
        }
    }

    private (HostInfo? Host, bool Conflict) Identify(HostObservation observed, NetworkSnapshot state, bool writer)
    {
        if (observed.SystemId is not { Length: > 0 } systemId)
        {
            Unidentified(null, $"Open_vSwitch external_ids:{SystemIdKey} is not set");
            return (null, false);
        }

        var host = _inventory.FindBySystemId(systemId);
        if (host is null && Status.HostId is { } deleted && Status.SystemId == systemId)
        {
            // This connection already served the host and the operator deleted it since (typically a
            // decommissioned host whose TCP session is not yet known to be dead). Re-registering from this
            // session's replica would resurrect it under a new id at once; only a new connection may.
            _manager.Release(this, deleted);
            Unidentified(systemId, $"host {deleted} (system-id {systemId}) was deleted; this connection will not re-register it (reconnect to register again)");
            return (null, false);
        }

        if (host is null && !writer)
        {
            Unidentified(systemId, $"unknown host {systemId}: its writer registers it, this member only watches");
            return (null, false);
        }

        if (host is null)
        {
            if (!_options.AutoRegister || observed.EncapIp is null)
            {
                Unidentified(systemId, _options.AutoRegister
                    ? $"unknown host {systemId}: set external_ids:{EncapIpKey} to register it (given: '{observed.EncapIpText}')"
                    : $"unknown host {systemId}: declare it over REST with this systemId (auto-registration is off)");
                return (null, false);
            }

            if (_manager.ConnectedHostWithTunnelIp(observed.EncapIp, state, this) is { } holder)
            {
                return (null, Conflict(systemId, $"{EncapIpKey} {observed.EncapIp} is held by connected host {holder}"));
            }

            try
            {
                host = _inventory.Register(systemId, observed.Hostname is { Length: > 0 } hn ? hn : systemId, observed.EncapIp);
                LogRegistered(_logger, host.Id, systemId, observed.EncapIp.ToString(), _remote);
            }
            catch (Exception ex) when (ex is Store.StoreException or ArgumentException)
            {
                Unidentified(systemId, $"cannot register host {systemId}: {ex.Message}");
                return (null, false);
            }
        }

        if (!_manager.Claim(this, host.Id, out var other))
        {
            return (null, Conflict(systemId, $"system-id {systemId} (host {host.Id}) is already connected from {other}"));
        }

        if (writer && observed.EncapIp is { } ip && !ip.Equals(host.TunnelIp))
        {
            if (_manager.ConnectedHostWithTunnelIp(ip, state, this) is { } holder)
            {
                return (null, Conflict(systemId, $"{EncapIpKey} {ip} is held by connected host {holder}"));
            }

            try
            {
                _inventory.SetTunnelIp(host.Id, ip);
                LogEncapChanged(_logger, host.Id, host.TunnelIp.ToString(), ip.ToString());
                host = _inventory.FindBySystemId(systemId) ?? host;
            }
            catch (Exception ex) when (ex is Store.StoreException or ArgumentException)
            {
                Publish(s => s with { Problem = $"cannot change tunnel IP to {ip}: {ex.Message}" });
            }
        }

        var hostId = host.Id;
        Publish(s => s with { SystemId = systemId, HostId = hostId });
        return (host, false);
    }

    private void Unidentified(string? systemId, string problem)
    {
        if (Status.Problem != problem)
        {
            LogUnidentified(_logger, _remote, problem);
        }

        Publish(s => s with { SystemId = systemId, Problem = problem, InSync = false });
    }

    private bool Conflict(string systemId, string problem)
    {
        LogConflict(_logger, _remote, systemId, problem);
        _manager.RecordRejection(_inventory.FindBySystemId(systemId)?.Id, $"refused connection from {_remote}: {problem}");
        Close(problem);
        return true;
    }

    private void LearnDatapathId(HostInfo host, HostObservation observed)
    {
        if (!observed.DatapathIds.TryGetValue(_source.TunnelBridge, out var dpid) || host.DatapathId == dpid)
        {
            return;
        }

        try
        {
            _inventory.SetDatapathId(host.Id, dpid);
            LogLearnedDatapathId(_logger, host.Id, dpid.ToString("x16", CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is Store.StoreException or ArgumentException)
        {
            Publish(s => s with { Problem = $"cannot record datapath id {dpid:x16}: {ex.Message}" });
        }
    }

    private string ControllerTarget()
    {
        var local = (_connection.LocalEndPoint as IPEndPoint)?.Address;
        if (local is null || local.Equals(IPAddress.Any) || local.Equals(IPAddress.IPv6Any))
        {
            local = IPAddress.Loopback;
        }

        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        string host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{_manager.OpenFlowScheme}:{host}:{_manager.OpenFlowPort}");
    }

    private void Publish(Func<HostOvsdbStatus, HostOvsdbStatus> change)
    {
        HostOvsdbStatus current, next;
        do
        {
            current = Volatile.Read(ref _status);
            next = change(current);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _status, next, current), current));
    }

    private static string? MissingEssentials(DatabaseSchema schema)
    {
        (string Table, string Column)[] needed =
        [
            (RootTable, Bridges), (RootTable, ExternalIds),
            (BridgeTable, Name), (BridgeTable, Ports), (BridgeTable, FailMode), (BridgeTable, ExternalIds),
            (PortTable, Name), (PortTable, Interfaces), (PortTable, Tag), (PortTable, ExternalIds),
            (InterfaceTable, Name), (InterfaceTable, InterfaceType), (InterfaceTable, Options), (InterfaceTable, ExternalIds),
        ];
        var missing = needed.Where(n => !schema.HasColumn(n.Table, n.Column)).Select(n => $"{n.Table}.{n.Column}").ToList();
        return missing.Count == 0 ? null : "missing " + string.Join(", ", missing);
    }

    private static IEnumerable<MonitorRequest> MonitorRequests(DatabaseSchema schema)
    {
        (string Table, string[] Columns)[] wanted =
        [
            (RootTable, [Bridges, ExternalIds]),
            (BridgeTable, [Name, Ports, FailMode, Protocols, ControllerColumn, DatapathType, DatapathId, ExternalIds]),
            (PortTable, [Name, Interfaces, Tag, ExternalIds]),
            (InterfaceTable, [Name, InterfaceType, Options, ExternalIds, OfPort, MtuRequest]),
            (ControllerTable, [Target, MaxBackoff, ExternalIds]),
        ];
        foreach (var (table, columns) in wanted)
        {
            if (schema.HasTable(table))
            {
                yield return new MonitorRequest(table, [.. columns.Where(c => schema.HasColumn(table, c))]);
            }
        }
    }
}
