using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ovsdb.Rpc;

/// <summary>
/// The passive side: listens where hosts' ovsdb-servers connect after <c>ovs-vsctl set-manager
/// tcp:&lt;controller&gt;:6640</c>, and hands each accepted socket out as an <see cref="OvsdbConnection"/>.
/// At most <see cref="MaxConnections"/> are open at once; one more is closed on accept and logged.
/// </summary>
public sealed partial class OvsdbListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly OvsdbConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private int _open;

    public OvsdbListener(IPEndPoint bind, int maxConnections = 4096, OvsdbConnectionOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        MaxConnections = maxConnections;
        _options = options ?? new OvsdbConnectionOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        _socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(bind);
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        LogListening(_logger, LocalEndPoint.ToString());
    }

    public IPEndPoint LocalEndPoint { get; }

    public int MaxConnections { get; }

    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Waits for the next host. Throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task<OvsdbConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var socket = await SocketThreads.Leave(_socket.AcceptAsync(cancellationToken)).ConfigureAwait(false);
            if (Interlocked.Increment(ref _open) > MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                LogRefused(_logger, socket.RemoteEndPoint?.ToString() ?? "?", MaxConnections);
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            var connection = OvsdbConnection.Start(socket, _options, _logger, _time);
            _ = connection.Completion.ContinueWith(_ => Interlocked.Decrement(ref _open), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            LogAccepted(_logger, socket.RemoteEndPoint?.ToString() ?? "?");
            return connection;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "OVSDB manager listener on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Debug, Message = "OVSDB connection from {Remote}")]
    private static partial void LogAccepted(ILogger logger, string remote);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Warning, Message = "OVSDB connection from {Remote} refused: {Max} connections already open")]
    private static partial void LogRefused(ILogger logger, string remote, int max);
}
