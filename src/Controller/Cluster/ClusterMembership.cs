using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Controller.Metrics;
using Controller.Switches;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Cluster;

/// <summary>
/// This controller as a member of a cluster on etcd. It holds one lease (<c>Cluster:LeaseTtl</c>), renewed
/// every quarter of its TTL, and binds to it its member key (<c>{prefix}/members/{id}</c>) and every
/// mastership it wins (<c>{prefix}/masters/switch/{dpid}</c>, created only if absent, in one transaction).
/// The generation id of a switch's master is that key's create revision: etcd revisions only grow, so a
/// master elected later always carries a higher one and OVS refuses the older one as stale. When a
/// member dies its lease expires, its keys vanish, and the next poll of another member connected to the
/// switch creates the key again. A member may write to a switch only while it holds the key and its own
/// lease is provably alive: the last renewal's send time plus the TTL the server granted, on the monotonic
/// clock, which keeps running while the process is stopped, so a master paused past its lease learns on
/// waking, before anything else, that it may not write.
/// </summary>
internal sealed partial class ClusterMembership : BackgroundService, IRoleArbiter
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);

    private readonly ClusterOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly ILogger<ClusterMembership> _logger;
    private readonly string _prefix;
    private readonly EtcdClient _etcd;
    private readonly ConcurrentDictionary<ulong, ulong> _held = new();
    private readonly ConcurrentDictionary<ulong, RoleAssignment> _applied = new();
    private readonly ClusterMetrics _metrics;
    private volatile IReadOnlyDictionary<ulong, Owner> _owners = new Dictionary<ulong, Owner>();
    private long _leaseId;
    private long _validUntil;
    private long _lastKeepAlive;
    private long _suppressedTotal;
    private long _refusedTotal;

    public ClusterMembership(IOptions<ClusterOptions> options, SwitchRegistry registry, ClusterMetrics metrics, ILogger<ClusterMembership> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _prefix = _options.Etcd.Prefix.TrimEnd('/');
        _etcd = new EtcdClient(_options.Etcd.Endpoints);
        _metrics = metrics;
        _metrics.Track(() => _held.Count, () => LeaseValid);
    }

    public string MemberId => _options.MemberId;

    public long WritesSuppressed => Interlocked.Read(ref _suppressedTotal);

    public long WritesRefused => Interlocked.Read(ref _refusedTotal);

    private bool LeaseValid => Interlocked.Read(ref _leaseId) != 0 && Stopwatch.GetTimestamp() < Interlocked.Read(ref _validUntil);

    private int TtlSeconds => Math.Max(2, (int)Math.Ceiling(_options.LeaseTtl.TotalSeconds));

    // ----- IRoleArbiter (sessions, on their event loops) ------------------------------------------

    public (ControllerRole Role, ulong GenerationId) RoleFor(DatapathId datapathId)
    {
        if (LeaseValid && _held.TryGetValue(datapathId.Value, out var generation))
        {
            return (ControllerRole.Master, generation);
        }

        return _owners.TryGetValue(datapathId.Value, out var owner) ? (ControllerRole.Slave, owner.Generation) : (ControllerRole.NoChange, 0);
    }

    public bool MayWrite(DatapathId datapathId) => LeaseValid && _held.ContainsKey(datapathId.Value);

    public void WriteSuppressed(DatapathId datapathId, OfpType type)
    {
        Interlocked.Increment(ref _suppressedTotal);
        _metrics.Suppressed(type);
        Log.WriteSuppressed(_logger, Hex(datapathId.Value), type.ToString());
    }

    public void WriteRefused(DatapathId datapathId, ErrorMessage error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Interlocked.Increment(ref _refusedTotal);
        _metrics.Refused();
        Log.WriteRefused(_logger, Hex(datapathId.Value), error.Describe());
    }

    // ----- the member's loop ----------------------------------------------------------------------

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // etcd unreachable or slow: keep trying; the lease check keeps writes safe meanwhile.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.StepFailed(_logger, e.GetType().Name, e.Message);
                if (!LeaseValid && !_held.IsEmpty)
                {
                    LoseAll("lease not renewed in time");
                }
            }

            try
            {
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var lease = Interlocked.Exchange(ref _leaseId, 0);
        if (lease != 0)
        {
            // A clean stop hands the switches over at once instead of after the TTL.
            try
            {
                await _etcd.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the lease expires by itself.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.StepFailed(_logger, e.GetType().Name, e.Message);
            }
        }

        _etcd.Dispose();
    }

    private async Task StepAsync(CancellationToken ct)
    {
        if (Interlocked.Read(ref _leaseId) == 0)
        {
            await JoinAsync(ct).ConfigureAwait(false);
        }
        else if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastKeepAlive)) >= TimeSpan.FromSeconds(TtlSeconds) / 4)
        {
            await KeepAliveAsync(ct).ConfigureAwait(false);
        }

        if (!LeaseValid)
        {
            if (!_held.IsEmpty)
            {
                LoseAll("lease expired");
            }

            ApplyRoles();
            return;
        }

        await RefreshMastershipAsync(ct).ConfigureAwait(false);
        ApplyRoles();
    }

    private async Task JoinAsync(CancellationToken ct)
    {
        var sent = Stopwatch.GetTimestamp();
        var grant = await _etcd.LeaseGrantAsync(new LeaseGrantRequest { TTL = TtlSeconds }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        var member = JsonSerializer.Serialize(new MemberRecord(_options.MemberId, _options.Advertise, DateTimeOffset.UtcNow));
        await _etcd.PutAsync(new PutRequest { Key = Key($"members/{_options.MemberId}"), Value = ByteString.CopyFromUtf8(member), Lease = grant.ID }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        Interlocked.Exchange(ref _validUntil, sent + (long)(grant.TTL * Stopwatch.Frequency));
        Interlocked.Exchange(ref _lastKeepAlive, sent);
        Interlocked.Exchange(ref _leaseId, grant.ID);
        Log.Joined(_logger, _options.MemberId, grant.ID.ToString("x", CultureInfo.InvariantCulture), grant.TTL);
    }

    private async Task KeepAliveAsync(CancellationToken ct)
    {
        var lease = Interlocked.Read(ref _leaseId);
        var sent = Stopwatch.GetTimestamp();
        long ttl = -1;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        await _etcd.LeaseKeepAlive(new LeaseKeepAliveRequest { ID = lease }, r => ttl = r.TTL, timeout.Token).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastKeepAlive, sent);
        if (ttl <= 0)
        {
            // The lease is gone (we were away longer than its TTL): every key bound to it is gone too.
            Interlocked.Exchange(ref _leaseId, 0);
            Interlocked.Exchange(ref _validUntil, 0);
            LoseAll("lease expired in etcd");
            return;
        }

        Interlocked.Exchange(ref _validUntil, sent + (ttl * Stopwatch.Frequency));
    }

    /// <summary>Reads every switch mastership, claims the connected switches nobody masters, releases the ones no longer connected here.</summary>
    private async Task RefreshMastershipAsync(CancellationToken ct)
    {
        var lease = Interlocked.Read(ref _leaseId);
        var range = await _etcd.GetRangeAsync(PrefixOf("masters/switch/"), deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        var owners = new Dictionary<ulong, Owner>();
        foreach (var kv in range.Kvs)
        {
            if (TryDatapathId(kv.Key.ToStringUtf8(), out var dpid))
            {
                owners[dpid] = new Owner(kv.Value.ToStringUtf8(), (ulong)kv.CreateRevision, kv.Lease);
            }
        }

        var connected = new HashSet<ulong>();
        foreach (var c in _registry.Connections)
        {
            if (c.IsActive)
            {
                connected.Add(c.DatapathId.Value);
            }
        }

        foreach (var dpid in connected)
        {
            if (!owners.ContainsKey(dpid))
            {
                var won = await TryClaimAsync(dpid, lease, ct).ConfigureAwait(false);
                if (won is { } owner)
                {
                    owners[dpid] = owner;
                }
            }
        }

        foreach (var (dpid, owner) in owners)
        {
            var mine = owner.Member == _options.MemberId && owner.Lease == lease;
            if (mine && !connected.Contains(dpid))
            {
                await ReleaseAsync(dpid, owner, ct).ConfigureAwait(false);
                owners.Remove(dpid);
                mine = false;
            }

            if (mine)
            {
                if (_held.TryAdd(dpid, owner.Generation))
                {
                    _metrics.Won();
                    Log.Mastered(_logger, Hex(dpid), owner.Generation);
                }
            }
            else if (_held.TryRemove(dpid, out _))
            {
                Log.Lost(_logger, Hex(dpid), owner.Member);
            }
        }

        foreach (var dpid in _held.Keys)
        {
            if (!owners.ContainsKey(dpid) && _held.TryRemove(dpid, out _))
            {
                Log.Lost(_logger, Hex(dpid), "nobody");
            }
        }

        _owners = owners;
    }

    private async Task<Owner?> TryClaimAsync(ulong dpid, long lease, CancellationToken ct)
    {
        var key = Key($"masters/switch/{Hex(dpid)}");
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(_options.MemberId), Lease = lease } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        var response = await _etcd.TransactionAsync(txn, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        if (response.Succeeded)
        {
            // The key was created in this transaction: its create revision is the transaction's revision.
            return new Owner(_options.MemberId, (ulong)response.Header.Revision, lease);
        }

        var kvs = response.Responses[0].ResponseRange.Kvs;
        return kvs.Count == 0 ? null : new Owner(kvs[0].Value.ToStringUtf8(), (ulong)kvs[0].CreateRevision, kvs[0].Lease);
    }

    private async Task ReleaseAsync(ulong dpid, Owner owner, CancellationToken ct)
    {
        var key = Key($"masters/switch/{Hex(dpid)}");
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = (long)owner.Generation });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        await _etcd.TransactionAsync(txn, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        _held.TryRemove(dpid, out _);
        Log.Released(_logger, Hex(dpid));
    }

    /// <summary>Sends each connected switch the role this member should have, once per change (one request in flight per switch).</summary>
    private void ApplyRoles()
    {
        foreach (var c in _registry.Connections)
        {
            if (c is not SwitchSession session || !session.IsActive)
            {
                continue;
            }

            var (role, generation) = RoleFor(session.DatapathId);
            if (role == ControllerRole.NoChange)
            {
                continue;
            }

            var wanted = new RoleAssignment(session, role, generation);
            if (_applied.TryGetValue(session.DatapathId.Value, out var applied) && applied == wanted)
            {
                continue;
            }

            _applied[session.DatapathId.Value] = wanted;
            _ = SendRoleAsync(wanted);
        }

        foreach (var dpid in _applied.Keys)
        {
            if (_applied.TryGetValue(dpid, out var a) && !a.Session.IsActive)
            {
                _applied.TryRemove(new KeyValuePair<ulong, RoleAssignment>(dpid, a));
            }
        }
    }

    private async Task SendRoleAsync(RoleAssignment a)
    {
        try
        {
            var granted = await a.Session.ChangeRoleAsync(a.Role, a.Generation).ConfigureAwait(false);
            Log.RoleGranted(_logger, Hex(a.Session.DatapathId.Value), granted.ToString(), a.Generation);
        }
#pragma warning disable CA1031 // Logged; the next poll retries with whatever is then wanted.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.RoleFailed(_logger, Hex(a.Session.DatapathId.Value), a.Role.ToString(), a.Generation, e.Message);
            _applied.TryRemove(new KeyValuePair<ulong, RoleAssignment>(a.Session.DatapathId.Value, a));
        }
    }

    private void LoseAll(string reason)
    {
        var lost = _held.Keys.ToList();
        _held.Clear();
        Log.LostAll(_logger, lost.Count, reason);
    }

    // ----- REST ----------------------------------------------------------------------------------

    /// <summary>The cluster as etcd has it now (works on every member).</summary>
    public async Task<ClusterView> DescribeAsync(CancellationToken ct)
    {
        var lease = Interlocked.Read(ref _leaseId);
        try
        {
            var members = new List<ClusterMemberView>();
            var range = await _etcd.GetRangeAsync(PrefixOf("members/"), deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            foreach (var kv in range.Kvs)
            {
                var record = JsonSerializer.Deserialize<MemberRecord>(kv.Value.ToStringUtf8());
                var ttl = await _etcd.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = kv.Lease }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
                members.Add(new ClusterMemberView(record?.Id ?? kv.Key.ToStringUtf8(), record?.Advertise, kv.Lease.ToString("x", CultureInfo.InvariantCulture), ttl.TTL, kv.Lease == lease));
            }

            var switches = await MastershipsAsync("masters/switch/", ct).ConfigureAwait(false);
            var hosts = await MastershipsAsync("masters/host/", ct).ConfigureAwait(false);
            return new ClusterView(true, _options.MemberId, lease == 0 ? null : lease.ToString("x", CultureInfo.InvariantCulture), LeaseValid, members, switches, hosts, WritesSuppressed, WritesRefused);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var known = _owners.Select(o => new MastershipView(Hex(o.Key), o.Value.Member, o.Value.Generation, o.Value.Lease.ToString("x", CultureInfo.InvariantCulture))).ToList();
            return new ClusterView(true, _options.MemberId, null, LeaseValid, [], known, [], WritesSuppressed, WritesRefused, $"etcd unreachable, last known masterships shown: {e.Message}");
        }
    }

    private async Task<List<MastershipView>> MastershipsAsync(string prefix, CancellationToken ct)
    {
        var range = await _etcd.GetRangeAsync(PrefixOf(prefix), deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        return [.. range.Kvs.Select(kv => new MastershipView(
            kv.Key.ToStringUtf8()[(_prefix.Length + 1 + prefix.Length)..],
            kv.Value.ToStringUtf8(),
            (ulong)kv.CreateRevision,
            kv.Lease.ToString("x", CultureInfo.InvariantCulture)))];
    }

    private ByteString Key(string suffix) => ByteString.CopyFromUtf8($"{_prefix}/{suffix}");

    private string PrefixOf(string suffix) => $"{_prefix}/{suffix}";

    private bool TryDatapathId(string key, out ulong dpid)
    {
        var start = _prefix.Length + 1 + "masters/switch/".Length;
        dpid = 0;
        return key.Length > start && ulong.TryParse(key.AsSpan(start), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out dpid);
    }

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    private static string Hex(ulong dpid) => dpid.ToString("x16", CultureInfo.InvariantCulture);

    private sealed record Owner(string Member, ulong Generation, long Lease);

    private sealed record RoleAssignment(SwitchSession Session, ControllerRole Role, ulong Generation);

    private sealed record MemberRecord(string Id, string? Advertise, DateTimeOffset Since);
}
