using System.Globalization;
using System.Text.Json;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Controller.Store.Persistence;

/// <summary>
/// The store on etcd v3, shared by every controller of a cluster.
/// </summary>
/// <remarks>
/// <para>Keys: <c>{prefix}/d/{collection}/{id}</c> holds a document as JSON; <c>{prefix}/d/head</c> is rewritten
/// by every write, so its mod revision is the revision of the store's last write. A commit is one transaction
/// that compares <c>head</c>'s mod revision with the revision the write's state was read at: it succeeds only if
/// no controller wrote in between, so every allocation (segment, local VLAN) and uniqueness check (MAC, IP,
/// names) was made on the latest state. Losing the compare is a conflict the store retries on the newer state.
/// Nothing of a failed transaction is applied.</para>
/// <para>Other controllers' writes arrive through one watch over the prefix, resumed from the next revision
/// after a break (and a full reload when etcd can no longer serve that revision). A probe reads <c>head</c>
/// linearizably every <see cref="EtcdStoreOptions.ProbeIntervalMs"/>: while it fails (no quorum, member
/// unreachable) or the watch is down, the store is stale: reads answer from memory, writes are refused.</para>
/// </remarks>
internal sealed partial class EtcdPersistence : IStorePersistence
{
    /// <summary>etcd's <c>rpctypes.MetadataRequireLeaderKey</c>: a member without a leader ends such a watch.</summary>
    private static readonly Metadata RequireLeader = new() { { "hasleader", "true" } };

    private static readonly JsonSerializerOptions Json = new();

    private readonly EtcdStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Uri[] _endpoints;
    private readonly GrpcChannel[] _channels;
    private readonly KV.KVClient[] _kv;
    private readonly Watch.WatchClient[] _watch;
    private readonly string _dataPrefix;
    private readonly ByteString _dataKey;
    private readonly ByteString _dataEnd;
    private readonly ByteString _headKey;
    private readonly ByteString _writerId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _staleGate = new();
    private IRemoteChangeSink? _sink;
    private Task? _watchTask;
    private Task? _probeTask;
    private int _active;
    private long _lastLoadHeader;
    private long _quorumLostAt;
    private volatile bool _quorumOk = true;
    private volatile bool _watchOk;
    private bool _reportedStale;
    private CancellationTokenSource? _streamCts;

    private EtcdPersistence(EtcdStoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _endpoints = [.. options.EndpointUris()];
        if (_endpoints.Length == 0)
        {
            throw new ArgumentException("Store:Etcd:Endpoints names no endpoint.", nameof(options));
        }

        _channels = [.. _endpoints.Select(u => GrpcChannel.ForAddress(u, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(1),
                // etcd's server refuses pings closer than --grpc-keepalive-min-time (5 s by default) and pings on a
                // connection without a stream: it answers both with GOAWAY ENHANCE_YOUR_CALM, which broke the watch
                // of every member whose watch and probe used different endpoints after a failover.
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
            },
        }))];
        _kv = [.. _channels.Select(c => new KV.KVClient(c))];
        _watch = [.. _channels.Select(c => new Watch.WatchClient(c))];
        var prefix = options.Prefix.TrimEnd('/');
        _dataPrefix = prefix + "/d/";
        _dataKey = ByteString.CopyFromUtf8(_dataPrefix);
        _dataEnd = PrefixEnd(_dataKey);
        // Inside the data range, so that one range read and one watch cover documents and head alike.
        _headKey = ByteString.CopyFromUtf8(_dataPrefix + "head");
        _writerId = ByteString.CopyFromUtf8(Environment.MachineName + "/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public string Backend => StoreOptions.EtcdBackend;

    public string Location => string.Join(",", _endpoints.Select(e => e.ToString().TrimEnd('/'))) + " " + _options.Prefix;

    public bool IsStale => !_quorumOk || !_watchOk;

    private TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(_options.RequestTimeoutMs);

    /// <summary>Connects and checks that etcd answers, trying every endpoint until <see cref="EtcdStoreOptions.ConnectTimeoutMs"/>.</summary>
    public static EtcdPersistence Connect(EtcdStoreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnsureThreads();
        var p = new EtcdPersistence(options, logger);
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(options.ConnectTimeoutMs);
        while (true)
        {
            try
            {
                p.LoadAt(out _);
                EtcdLog.Connected(logger, p.Location, p._lastLoadHeader);
                return p;
            }
            catch (StoreUnavailableException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
            catch
            {
                p.Dispose();
                throw;
            }
        }
    }

    public StoreState Load() => LoadAt(out _);

    /// <summary>
    /// The store's API is synchronous, so a write blocks its thread-pool thread on the etcd call while other
    /// writers block on the store's lock; the gRPC response is read by the thread pool too. Without spare threads
    /// up front, a burst of concurrent writes starves the pool until the pool's slow thread injection catches up
    /// and the calls hit their deadline. (An async store API would remove the need.)
    /// </summary>
    private static void EnsureThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 128)
        {
            ThreadPool.SetMinThreads(128, Math.Max(io, 16));
        }
    }

    public CommitOutcome Commit(long basisRevision, IReadOnlyList<StoreMutation> mutations)
    {
        // Tried even while the last probe failed (one slow probe on a loaded machine is no outage), but once the
        // probes have failed for longer than a request's deadline, refuse at once instead of holding the write
        // lock for a whole deadline per queued write.
        if (!_quorumOk && Environment.TickCount64 - Volatile.Read(ref _quorumLostAt) > _options.RequestTimeoutMs)
        {
            throw new StoreUnavailableException(
                "etcd has no quorum or cannot be reached (every probe for the last " + _options.RequestTimeoutMs.ToString(CultureInfo.InvariantCulture) +
                " ms failed); nothing was written. Reads answer from this controller's last state and may be stale.");
        }

        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = _headKey,
            Target = Compare.Types.CompareTarget.Mod,
            Result = Compare.Types.CompareResult.Equal,
            ModRevision = basisRevision,
        });
        foreach (var m in mutations)
        {
            var key = KeyOf(m.Collection, m.Id);
            txn.Success.Add(m.Document is null
                ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } }
                : new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(m.Document, m.Document.GetType(), Json)) } });
        }

        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _headKey, Value = _writerId } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = _headKey } });

        TxnResponse response;
        var index = _active;
        try
        {
            response = _kv[index].Txn(txn, deadline: DateTime.UtcNow + RequestTimeout);
        }
        catch (RpcException ex)
        {
            Failed(index, ex);
            var ambiguous = ex.StatusCode == StatusCode.DeadlineExceeded;
            throw new StoreUnavailableException(
                ambiguous
                    ? $"etcd did not answer the write within {_options.RequestTimeoutMs} ms (no quorum?); it may or may not have been applied: read it back before retrying."
                    : $"etcd cannot take writes ({ex.StatusCode}: {ex.Status.Detail}); nothing was written.",
                ambiguous,
                ex);
        }

        if (response.Succeeded)
        {
            return CommitOutcome.Success(response.Header.Revision);
        }

        var found = response.Responses.Count > 0 && response.Responses[0].ResponseRange is { } r && r.Kvs.Count > 0 ? r.Kvs[0].ModRevision : 0;
        return CommitOutcome.Conflict(found);
    }

    public void Start(IRemoteChangeSink sink)
    {
        _sink = sink;
        var from = _lastLoadHeader + 1;
        _watchTask = Task.Run(() => WatchLoopAsync(from));
        _probeTask = Task.Run(ProbeLoopAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll([.. new[] { _watchTask, _probeTask }.OfType<Task>()], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loops end by cancellation
        }

        foreach (var c in _channels)
        {
            c.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>Reads every document with one linearizable range read; the state's revision is head's mod revision.</summary>
    private StoreState LoadAt(out long headerRevision)
    {
        var index = _active;
        RangeResponse data;
        try
        {
            data = _kv[index].Range(new RangeRequest { Key = _dataKey, RangeEnd = _dataEnd }, deadline: DateTime.UtcNow + RequestTimeout);
        }
        catch (RpcException ex)
        {
            Failed(index, ex);
            throw new StoreUnavailableException($"etcd cannot be read ({ex.StatusCode}: {ex.Status.Detail}).", inner: ex);
        }

        var state = StoreState.Empty;
        foreach (var kv in data.Kvs)
        {
            if (kv.Key == _headKey)
            {
                state = state with { Revision = kv.ModRevision };
            }
            else if (Decode(kv.Key, kv.Value) is { } m)
            {
                state = state.Apply(m);
            }
        }

        headerRevision = data.Header.Revision;
        _lastLoadHeader = headerRevision;
        return state;
    }

    private async Task WatchLoopAsync(long from)
    {
        var next = from;
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            var index = _active;
            var stream = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var created = false;
            Volatile.Write(ref _streamCts, stream);
            try
            {
                // A member that accepts the stream but never confirms it (half-open, still starting) must not hold
                // the watch: without a confirmation within a request's deadline, the attempt is given up.
                stream.CancelAfter(RequestTimeout);
                using var call = _watch[index].Watch(RequireLeader, cancellationToken: stream.Token);
                await call.RequestStream.WriteAsync(new WatchRequest
                {
                    CreateRequest = new WatchCreateRequest { Key = _dataKey, RangeEnd = _dataEnd, StartRevision = next, ProgressNotify = true },
                }, stream.Token).ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(stream.Token).ConfigureAwait(false))
                {
                    var resp = call.ResponseStream.Current;
                    if (resp.CompactRevision > 0)
                    {
                        // etcd no longer has the revisions we missed: start over from a full read.
                        EtcdLog.Compacted(_logger, next, resp.CompactRevision);
                        next = Reload() + 1;
                        break;
                    }

                    if (resp.Canceled)
                    {
                        EtcdLog.WatchCanceled(_logger, resp.CancelReason);
                        break;
                    }

                    if (resp.Created)
                    {
                        created = true;
                        stream.CancelAfter(Timeout.InfiniteTimeSpan);
                        EtcdLog.WatchCreated(_logger, _endpoints[index].ToString(), next);
                        SetWatchOk(true);
                    }

                    next = Deliver(resp, next);
                }
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return; // disposed
            }
            catch (OperationCanceledException)
            {
                if (created)
                {
                    WatchEnded(index, next, "restarted by the head probe");
                }
                else
                {
                    // Not confirmed in time: that member is no good for now, try the next one.
                    NextEndpoint(index);
                }
            }
            catch (RpcException ex)
            {
                WatchEnded(index, next, $"{ex.StatusCode} {ex.Status.Detail}");
                Failed(index, ex);
            }
            catch (StoreUnavailableException)
            {
                // reload failed; try again below
            }
#pragma warning disable CA1031 // the one task that follows other controllers' writes must outlive anything a stream throws
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // E.g. "the call is complete" when etcd ends the stream (no leader) before the create request is
                // written: nothing to do with this process' state, so try again like any other broken stream.
                EtcdLog.WatchFailed(_logger, ex, _endpoints[index].ToString(), next);
                NextEndpoint(index);
            }
            finally
            {
                Interlocked.CompareExchange(ref _streamCts, null, stream);
                stream.Dispose();
            }

            SetWatchOk(false);
            try
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Ends the current watch stream (the watch loop starts another one); no-op between streams.</summary>
    private void RestartWatch()
    {
        try
        {
            Volatile.Read(ref _streamCts)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // that stream has just ended by itself
        }
    }

    /// <summary>Logs the end of a watch that was up (not every failed attempt while etcd has no quorum).</summary>
    private void WatchEnded(int index, long next, string reason)
    {
        if (_watchOk)
        {
            EtcdLog.WatchEnded(_logger, _endpoints[index].ToString(), next, reason);
        }
    }

    /// <summary>
    /// Applies a watch response's events, one store write (one revision, always carrying a head put) at a time;
    /// returns the next revision to watch from.
    /// </summary>
    private long Deliver(WatchResponse resp, long next)
    {
        if (resp.Events.Count == 0)
        {
            // A progress notification: everything up to the header revision has been sent.
            return resp.Header is { } h && h.Revision >= next ? h.Revision + 1 : next;
        }

        var batch = new List<StoreMutation>();
        long revision = 0;
        var write = false;
        foreach (var ev in resp.Events)
        {
            if (ev.Kv.ModRevision != revision)
            {
                Flush();
                revision = ev.Kv.ModRevision;
            }

            if (ev.Kv.Key == _headKey)
            {
                write = true;
            }
            else if (Decode(ev.Kv.Key, ev.Type == Mvccpb.Event.Types.EventType.Delete ? null : ev.Kv.Value) is { } m)
            {
                batch.Add(m);
            }
        }

        Flush();
        return Math.Max(next, revision + 1);

        void Flush()
        {
            if (write)
            {
                _sink?.ApplyRemote(revision, batch);
            }

            batch = [];
            write = false;
        }
    }

    private async Task ProbeLoopAsync()
    {
        var ct = _stop.Token;
        var behind = 0;
        while (!ct.IsCancellationRequested)
        {
            var index = _active;
            try
            {
                var head = await _kv[index].RangeAsync(
                    new RangeRequest { Key = _headKey },
                    deadline: DateTime.UtcNow + RequestTimeout,
                    cancellationToken: ct).ConfigureAwait(false);
                SetQuorum(true);
                var headRevision = head.Kvs.Count > 0 ? head.Kvs[0].ModRevision : 0;
                behind = _sink is { } s && headRevision > s.Revision ? behind + 1 : 0;
                if (behind >= 4)
                {
                    // The watch has not brought a write that etcd has had for a while: reload and restart it.
                    EtcdLog.WatchBehind(_logger, _sink!.Revision, headRevision);
                    Reload();
                    RestartWatch();
                    behind = 0;
                }
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return; // disposed
            }
            catch (RpcException ex)
            {
                Failed(index, ex);
            }
            catch (StoreUnavailableException)
            {
                SetQuorum(false);
            }
#pragma warning disable CA1031 // the probe is what ends an outage: it must outlive anything one probe throws
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EtcdLog.ProbeFailed(_logger, ex, _endpoints[index].ToString());
                SetQuorum(false);
                NextEndpoint(index);
            }

            try
            {
                await Task.Delay(_options.ProbeIntervalMs, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Full read handed to the store as a whole; returns the header revision it was read at.</summary>
    private long Reload()
    {
        var state = LoadAt(out var header);
        _sink?.ReplaceRemote(state);
        return header;
    }

    /// <summary>
    /// Marks the store stale and, when the member is gone or refuses (not a mere timeout of a live member), moves
    /// on to the next endpoint.
    /// </summary>
    private void Failed(int index, RpcException ex)
    {
        // Logged once per outage (the probe keeps failing every interval until it ends).
        if (_quorumOk)
        {
            EtcdLog.RequestFailed(_logger, _endpoints[index].ToString(), ex.StatusCode, ex.Status.Detail);
        }

        SetQuorum(false);
        if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted)
        {
            NextEndpoint(index);
        }
    }

    /// <summary>Moves on from endpoint <paramref name="index"/> unless another caller already has.</summary>
    private void NextEndpoint(int index)
    {
        if (_endpoints.Length > 1)
        {
            Interlocked.CompareExchange(ref _active, (index + 1) % _endpoints.Length, index);
        }
    }

    private void SetQuorum(bool ok)
    {
        if (!ok && _quorumOk)
        {
            Volatile.Write(ref _quorumLostAt, Environment.TickCount64);
        }

        _quorumOk = ok;
        ReportStaleness();
    }

    private void SetWatchOk(bool ok)
    {
        _watchOk = ok;
        ReportStaleness();
    }

    private void ReportStaleness()
    {
        bool changed;
        bool stale;
        lock (_staleGate)
        {
            stale = IsStale;
            changed = stale != _reportedStale;
            _reportedStale = stale;
        }

        if (changed)
        {
            _sink?.StalenessChanged(stale);
        }
    }

    private ByteString KeyOf(StoreCollection c, string id) => ByteString.CopyFromUtf8(_dataPrefix + CollectionName(c) + "/" + id);

    private StoreMutation? Decode(ByteString key, ByteString? value)
    {
        var k = key.ToStringUtf8();
        if (!k.StartsWith(_dataPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = k[_dataPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || CollectionOf(rest[..slash]) is not { } c)
        {
            return null; // a key of a newer version's collection: not ours to interpret
        }

        var id = rest[(slash + 1)..];
        if (value is null)
        {
            return new StoreMutation(c, id, null);
        }

        object? doc = c switch
        {
            StoreCollection.Tenants => JsonSerializer.Deserialize<TenantDocument>(value.Span, Json),
            StoreCollection.Networks => JsonSerializer.Deserialize<NetworkDocument>(value.Span, Json),
            StoreCollection.Hosts => JsonSerializer.Deserialize<HostDocument>(value.Span, Json),
            StoreCollection.Ports => JsonSerializer.Deserialize<PortDocument>(value.Span, Json),
            StoreCollection.TunnelPorts => JsonSerializer.Deserialize<TunnelPortDocument>(value.Span, Json),
            StoreCollection.LocalVlans => JsonSerializer.Deserialize<LocalVlanDocument>(value.Span, Json),
            StoreCollection.VlanPools => JsonSerializer.Deserialize<VlanPoolDocument>(value.Span, Json),
            _ => null,
        };
        return doc is null ? null : new StoreMutation(c, id, doc);
    }

    private static string CollectionName(StoreCollection c) => c switch
    {
        StoreCollection.Tenants => "tenants",
        StoreCollection.Networks => "networks",
        StoreCollection.Hosts => "hosts",
        StoreCollection.Ports => "ports",
        StoreCollection.TunnelPorts => "tunnelports",
        StoreCollection.LocalVlans => "localvlans",
        StoreCollection.VlanPools => "vlanpools",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "unknown collection"),
    };

    private static StoreCollection? CollectionOf(string name) => name switch
    {
        "tenants" => StoreCollection.Tenants,
        "networks" => StoreCollection.Networks,
        "hosts" => StoreCollection.Hosts,
        "ports" => StoreCollection.Ports,
        "tunnelports" => StoreCollection.TunnelPorts,
        "localvlans" => StoreCollection.LocalVlans,
        "vlanpools" => StoreCollection.VlanPools,
        _ => null,
    };

    /// <summary>The range end that covers every key starting with <paramref name="prefix"/> (etcd's prefix rule).</summary>
    private static ByteString PrefixEnd(ByteString prefix)
    {
        var bytes = prefix.ToByteArray();
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xFF)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        }

        return ByteString.CopyFrom(0);
    }
}
