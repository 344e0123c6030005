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
/// ownership it wins (<see cref="LeasedOwnership{TKey}"/>): the mastership of a switch it is connected to
/// (<c>{prefix}/masters/switch/{dpid}</c>) and the writership of a host whose OVSDB it is connected to
/// (<c>{prefix}/masters/host/{system-id}</c>, <see cref="IHostWriterGate"/>). The generation id of a switch's
/// master is that key's create revision: etcd revisions only grow, so a master elected later always carries
/// a higher one and OVS refuses the older one as stale. When a member dies its lease expires, its keys
/// vanish, and the next poll of another member connected to the switch creates the key again. A member may
/// write to a switch or host only while it holds the key and its own lease is provably alive: the last
/// renewal's send time plus the TTL the server granted, on the monotonic clock, which keeps running while
/// the process is stopped, so a master paused past its lease learns on waking, before anything else, that
/// it may not write.
/// </summary>
internal sealed partial class ClusterMembership : BackgroundService, IRoleArbiter
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);

    private readonly ClusterOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly ILogger<ClusterMembership> _logger;
    private readonly string _prefix;
    private readonly EtcdClient _etcd;
    private readonly LeasedOwnership<ulong> _switches;
    private readonly ConcurrentDictionary<ulong, RoleAssignment> _applied = new();
    private readonly ClusterMetrics _metrics;
    private long _leaseId;
    private long _clusterId;
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
        _switches = new LeasedOwnership<ulong>(_prefix, "switch", Hex, TryParseHex);
        _hosts = new LeasedOwnership<string>(_prefix, "host", id => id, TryHostKey);
        _metrics = metrics;
        _metrics.Track(() => _switches.HeldCount, () => LeaseValid, () => _hosts.HeldCount);
        registry.UseRoleArbiter(this);
    }

    public string MemberId => _options.MemberId;

    public long WritesSuppressed => Interlocked.Read(ref _suppressedTotal);

    public long WritesRefused => Interlocked.Read(ref _refusedTotal);

    private bool LeaseValid => Interlocked.Read(ref _leaseId) != 0 && Stopwatch.GetTimestamp() < Interlocked.Read(ref _validUntil);

    private int TtlSeconds => Math.Max(2, (int)Math.Ceiling(_options.LeaseTtl.TotalSeconds));

    // ----- IRoleArbiter (sessions, on their event loops) ------------------------------------------

    public (ControllerRole Role, ulong GenerationId) RoleFor(DatapathId datapathId)
    {
        if (LeaseValid && _switches.TryHeld(datapathId.Value, out var generation))
        {
            return (ControllerRole.Master, generation);
        }

        return _switches.Owners.TryGetValue(datapathId.Value, out var owner) ? (ControllerRole.Slave, owner.Generation) : (ControllerRole.NoChange, 0);
    }

    public bool MayWrite(DatapathId datapathId) => LeaseValid && _switches.TryHeld(datapathId.Value, out _);

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
                if (!LeaseValid && HoldsAnything)
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
            if (HoldsAnything)
            {
                LoseAll("lease expired");
            }

            ApplyRoles();
            return;
        }

        await RefreshMastershipAsync(ct).ConfigureAwait(false);
        ApplyRoles();
        await RefreshHostWritersAsync(ct).ConfigureAwait(false);
    }

    private bool HoldsAnything => !_switches.IsEmpty || !_hosts.IsEmpty;

    private async Task JoinAsync(CancellationToken ct)
    {
        var sent = Stopwatch.GetTimestamp();
        var grant = await _etcd.LeaseGrantAsync(new LeaseGrantRequest { TTL = TtlSeconds }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        var member = JsonSerializer.Serialize(new MemberRecord(_options.MemberId, _options.Advertise, DateTimeOffset.UtcNow));
        await _etcd.PutAsync(new PutRequest { Key = Key($"members/{_options.MemberId}"), Value = ByteString.CopyFromUtf8(member), Lease = grant.ID }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        Interlocked.Exchange(ref _clusterId, (long)grant.Header.ClusterId);
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
        var connected = new HashSet<ulong>();
        foreach (var c in _registry.Connections)
        {
            if (c.IsActive)
            {
                connected.Add(c.DatapathId.Value);
            }
        }

        var changes = await _switches.RefreshAsync(_etcd, _options.MemberId, Interlocked.Read(ref _leaseId), connected, Deadline, ct).ConfigureAwait(false);
        foreach (var change in changes)
        {
            var dpid = Hex(change.Key);
            switch (change.Event)
            {
                case OwnershipEvent.Won:
                    _metrics.Won();
                    Log.Mastered(_logger, _switches.Kind, dpid, change.Generation);
                    break;
                case OwnershipEvent.Lost:
                    Log.Lost(_logger, _switches.Kind, dpid, change.Member);
                    break;
                case OwnershipEvent.Released:
                    Log.Released(_logger, _switches.Kind, dpid);
                    break;
            }
        }
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
        var lost = _switches.Clear().Count + _hosts.Clear().Count;
        Log.LostAll(_logger, lost, reason);
        HostWritersChanged();
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

            var switches = await MastershipsAsync(_switches.KeyPrefix, ct).ConfigureAwait(false);
            var hosts = await MastershipsAsync(_hosts.KeyPrefix, ct).ConfigureAwait(false);
            return new ClusterView(true, _options.MemberId, lease == 0 ? null : lease.ToString("x", CultureInfo.InvariantCulture), LeaseValid, members, switches, hosts, WritesSuppressed, WritesRefused, HostWritesSuppressed, HostWritesRefused);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new ClusterView(true, _options.MemberId, null, LeaseValid, [], Known(_switches), Known(_hosts), WritesSuppressed, WritesRefused, HostWritesSuppressed, HostWritesRefused, $"etcd unreachable, last known masterships shown: {e.Message}");
        }
    }

    private static List<MastershipView> Known<TKey>(LeasedOwnership<TKey> table)
        where TKey : notnull =>
        [.. table.Owners.Select(o => new MastershipView(table.Format(o.Key), o.Value.Member, o.Value.Generation, o.Value.Lease.ToString("x", CultureInfo.InvariantCulture)))];

    private async Task<List<MastershipView>> MastershipsAsync(string keyPrefix, CancellationToken ct)
    {
        var range = await _etcd.GetRangeAsync(keyPrefix, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        return [.. range.Kvs.Select(kv => new MastershipView(
            kv.Key.ToStringUtf8()[keyPrefix.Length..],
            kv.Value.ToStringUtf8(),
            (ulong)kv.CreateRevision,
            kv.Lease.ToString("x", CultureInfo.InvariantCulture)))];
    }

    private ByteString Key(string suffix) => ByteString.CopyFromUtf8($"{_prefix}/{suffix}");

    private string PrefixOf(string suffix) => $"{_prefix}/{suffix}";

    private static bool TryParseHex(string text, out ulong dpid) =>
        ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out dpid);

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    private static string Hex(ulong dpid) => dpid.ToString("x16", CultureInfo.InvariantCulture);

    private sealed record RoleAssignment(SwitchSession Session, ControllerRole Role, ulong Generation);

    private sealed record MemberRecord(string Id, string? Advertise, DateTimeOffset Since);
}
