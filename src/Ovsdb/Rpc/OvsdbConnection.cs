using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Schema;

namespace Ovsdb.Rpc;

/// <summary>
/// One RFC 7047 JSON-RPC 1.0 session with an ovsdb-server, over a socket that the server opened to us
/// (manager mode, <c>set-manager tcp:...</c>) or that we dialed (<c>ptcp:</c> on the host). We are the
/// client: we send requests, the server answers them, sends <c>update</c> notifications for our monitors and
/// its own <c>echo</c> probes, which we answer at once from the read loop.
/// </summary>
/// <remarks>
/// One read loop owns the socket's input and dispatches in arrival order; writes are serialized by a
/// semaphore so a message is never interleaved with another. Concurrent requests are matched to replies
/// by id. The connection ends on EOF, a protocol violation, a dead peer or <see cref="DisposeAsync"/>;
/// <see cref="Completion"/> then completes (faulted with the reason unless it was a clean close), every
/// pending request fails and <see cref="Updates"/> is completed.
/// </remarks>
public sealed partial class OvsdbConnection : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    private readonly Socket _socket;
    private Stream _stream;
    private Task _ready = Task.CompletedTask;
    private readonly OvsdbConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<MonitorUpdate> _updates;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, DatabaseSchema> _monitorSchemas = new(StringComparer.Ordinal);
    private readonly string _remote;
    private long _nextId;
    private long _echoesAnswered;
    private long _lastReceiveTimestamp;
    private int _closed;
    private Task _readLoop = Task.CompletedTask;
    private Task _probeLoop = Task.CompletedTask;

    private OvsdbConnection(Socket socket, OvsdbConnectionOptions options, ILogger? logger, TimeProvider? time)
    {
        _socket = socket;
        _stream = SocketThreads.OffEpollThreads(new NetworkStream(socket, ownsSocket: false));
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        _remote = RemoteEndPoint?.ToString() ?? "?";
        _updates = Channel.CreateBounded<MonitorUpdate>(new BoundedChannelOptions(options.UpdateQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lastReceiveTimestamp = _time.GetTimestamp();
        ConnectedAt = _time.GetUtcNow();
    }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Our end of the socket: for a manager connection, the address the host reached us on.</summary>
    public EndPoint? LocalEndPoint { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Completes when the connection has closed; faulted with the reason unless the close was clean.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Echo requests from the server that we answered.</summary>
    public long EchoesAnswered => Interlocked.Read(ref _echoesAnswered);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary><c>update</c> notifications of every monitor, in the order the server sent them.</summary>
    public ChannelReader<MonitorUpdate> Updates => _updates.Reader;

    /// <summary>Takes over an accepted or connected socket and starts reading.</summary>
    public static OvsdbConnection Start(Socket socket, OvsdbConnectionOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var c = new OvsdbConnection(socket, options ?? new OvsdbConnectionOptions(), logger, time);
        if (c._options.Secure is { } secure)
        {
            c._ready = c.SecureAsync(secure);
        }

        c._readLoop = Task.Run(c.ReadLoopAsync);
        if (c._options.InactivityProbe > TimeSpan.Zero)
        {
            c._probeLoop = Task.Run(c.ProbeLoopAsync);
        }

        return c;
    }

    /// <summary>
    /// Dials <c>tcp:host:port</c> (IPv6 as <c>tcp:[::1]:6640</c>), <c>unix:/path</c>, or <c>ssl:host:port</c>
    /// (which needs <see cref="OvsdbConnectionOptions.Secure"/>; it runs before the first message).
    /// </summary>
    public static async Task<OvsdbConnection> ConnectAsync(string target, OvsdbConnectionOptions? options = null, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var endPoint = OvsdbTarget.Parse(target);
        if (OvsdbTarget.IsTls(target) && options?.Secure is null)
        {
            throw new ArgumentException($"'{target}' needs TLS settings (OvsdbConnectionOptions.Secure).", nameof(options));
        }

        if (!OvsdbTarget.IsTls(target) && options?.Secure is not null)
        {
            options = CopyWithoutTls(options);
        }

        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The caller goes on with the session, or logs the failure: not on the epoll thread either way.
            await SocketThreads.Leave(socket.ConnectAsync(endPoint, cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Start(socket, options, logger, time);
    }

    public async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendRequestAsync("list_dbs", static _ => { }, cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Array
            ? result.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : throw new OvsdbProtocolException("list_dbs result is not an array");
    }

    public async Task<DatabaseSchema> GetSchemaAsync(string database, CancellationToken cancellationToken = default)
    {
        var result = await SendRequestAsync("get_schema", w => w.WriteStringValue(database), cancellationToken).ConfigureAwait(false);
        try
        {
            return DatabaseSchema.Parse(result);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new OvsdbProtocolException($"schema of {database} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Starts a monitor and returns its initial contents. Later changes arrive on <see cref="Updates"/>
    /// with <paramref name="monitorId"/>, typed by <paramref name="schema"/> when given.
    /// </summary>
    public async Task<TableUpdates> MonitorAsync(string database, string monitorId, IEnumerable<MonitorRequest> requests, DatabaseSchema? schema = null, CancellationToken cancellationToken = default)
    {
        var list = requests.ToList();
        if (schema is not null)
        {
            _monitorSchemas[monitorId] = schema;
        }

        var result = await SendRequestAsync("monitor", w =>
        {
            w.WriteStringValue(database);
            w.WriteStringValue(monitorId);
            w.WriteStartObject();
            foreach (var r in list)
            {
                w.WriteStartObject(r.Table);
                w.WriteStartArray("columns");
                foreach (var c in r.Columns)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteStartObject("select");
                w.WriteBoolean("initial", r.Initial);
                w.WriteBoolean("insert", r.Insert);
                w.WriteBoolean("delete", r.Delete);
                w.WriteBoolean("modify", r.Modify);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            return TableUpdates.Parse(result, schema);
        }
        catch (FormatException ex)
        {
            throw new OvsdbProtocolException($"monitor reply cannot be read: {ex.Message}", ex);
        }
    }

    public async Task MonitorCancelAsync(string monitorId, CancellationToken cancellationToken = default)
    {
        await SendRequestAsync("monitor_cancel", w => w.WriteStringValue(monitorId), cancellationToken).ConfigureAwait(false);
        _monitorSchemas.TryRemove(monitorId, out _);
    }

    /// <summary>
    /// Runs a transaction. Returns one result per operation; throws <see cref="OvsdbTransactionException"/>
    /// naming the failing operation when the server refused it (nothing of it was committed then).
    /// Cancelling sends RFC 7047 <c>cancel</c> for the request.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> TransactAsync(string database, IReadOnlyList<OvsdbOperation> operations, CancellationToken cancellationToken = default)
    {
        var result = await SendRequestAsync("transact", w =>
        {
            w.WriteStringValue(database);
            foreach (var op in operations)
            {
                op.WriteTo(w);
            }
        }, cancellationToken, cancellable: true).ConfigureAwait(false);
        if (result.ValueKind != JsonValueKind.Array)
        {
            throw new OvsdbProtocolException("transact result is not an array");
        }

        var results = result.EnumerateArray().Select(OperationResult.Parse).ToList();
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                // RFC 7047 5.2: an error past the last operation is the commit's own failure.
                bool isOp = i < operations.Count;
                throw new OvsdbTransactionException(error, isOp ? i : null, isOp ? operations[i] : null);
            }
        }

        return results;
    }

    public async Task EchoAsync(CancellationToken cancellationToken = default) =>
        await SendRequestAsync("echo", static _ => { }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sends a request whose params array is written by <paramref name="writeParams"/> and returns its
    /// result (cloned, independent of the message buffer).
    /// </summary>
    public async Task<JsonElement> SendRequestAsync(string method, Action<Utf8JsonWriter> writeParams, CancellationToken cancellationToken = default, bool cancellable = false)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        long id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(method);
        _pending[id] = pending;
        // The deadline runs on the connection's TimeProvider, like the inactivity probe.
        using var deadline = _options.RequestTimeout > TimeSpan.Zero && _options.RequestTimeout != Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource(_options.RequestTimeout, _time)
            : null;
        using var timeout = deadline is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        try
        {
            await WriteMessageAsync(w =>
            {
                w.WriteStartObject();
                w.WriteString("method", method);
                w.WriteStartArray("params");
                writeParams(w);
                w.WriteEndArray();
                w.WriteNumber("id", id);
                w.WriteEndObject();
            }, timeout.Token).ConfigureAwait(false);
            if (IsClosed)
            {
                // The read loop may have failed everything pending before we were registered.
                pending.Completion.TrySetException(ClosedException());
            }

            using (timeout.Token.UnsafeRegister(static s => ((Pending)s!).Completion.TrySetCanceled(), pending))
            {
                return await pending.Completion.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            LogRequestTimeout(_logger, method, id, _remote, _options.RequestTimeout);
            throw new TimeoutException($"OVSDB {method} (id {id}) to {_remote} got no answer within {_options.RequestTimeout}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && cancellable && !IsClosed)
        {
            await SendCancelAsync(id).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task SendCancelAsync(long id)
    {
        try
        {
            await WriteMessageAsync(w =>
            {
                w.WriteStartObject();
                w.WriteString("method", "cancel");
                w.WriteStartArray("params");
                w.WriteNumberValue(id);
                w.WriteEndArray();
                w.WriteNull("id");
                w.WriteEndObject();
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogWriteFailed(_logger, _remote, ex.Message);
        }
    }

    private static OvsdbConnectionOptions CopyWithoutTls(OvsdbConnectionOptions o) => new()
    {
        MaxMessageBytes = o.MaxMessageBytes,
        MaxDepth = o.MaxDepth,
        InactivityProbe = o.InactivityProbe,
        RequestTimeout = o.RequestTimeout,
        UpdateQueueCapacity = o.UpdateQueueCapacity,
    };

    /// <summary>Runs the TLS handshake (or whatever <paramref name="secure"/> does) within the handshake timeout; a failure closes the connection.</summary>
    private async Task SecureAsync(OvsdbStreamSecurer secure)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            _stream = await secure(_stream, RemoteEndPoint, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Close(new IOException($"OVSDB connection to {_remote} refused at the TLS handshake: {ex.Message}", ex));
            throw;
        }
    }

    /// <summary>False when the handshake failed (the connection is closed then).</summary>
    private async Task<bool> IsReadyAsync()
    {
        try
        {
            await _ready.ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private async Task WriteMessageAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        if (!await IsReadyAsync().ConfigureAwait(false))
        {
            throw ClosedException();
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsClosed)
            {
                throw ClosedException();
            }

            await _stream.WriteAsync(buffer.WrittenMemory, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && _closing.IsCancellationRequested)
        {
            throw ClosedException(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private IOException ClosedException(Exception? inner = null) =>
        new($"OVSDB connection to {_remote} is closed", Completion.Exception?.InnerException ?? inner);

    /// <summary>Closes the connection; pending requests fail, <see cref="Completion"/> completes.</summary>
    public void Close(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (reason is null)
        {
            LogClosed(_logger, _remote);
        }
        else
        {
            LogClosedWithError(_logger, _remote, reason.Message);
        }

        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer; disposing below is all that is left.
        }

        _socket.Dispose();
        if (_ready.IsCompleted)
        {
            _stream.Dispose();
        }

        var closed = ClosedException(reason);
        foreach (var p in _pending.Values)
        {
            p.Completion.TrySetException(closed);
        }

        _updates.Writer.TryComplete(reason);
        if (reason is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await Task.WhenAll(_readLoop, _probeLoop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The loops end by these when the socket goes away under them.
        }

        _closing.Dispose();
        _writeLock.Dispose();
    }

    public override string ToString() => $"ovsdb {_remote}";

    private sealed class Pending(string method)
    {
        public string Method { get; } = method;

        public TaskCompletionSource<JsonElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
