using System.Net;
using Controller.Security;
using DotNetty.Buffers;
using DotNetty.Handlers.Timeout;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenFlow.Channel;

namespace Controller.Switches;

/// <summary>
/// The OpenFlow listener: a DotNetty server whose child pipeline is
/// frame decoder -> message decoder -> encoder -> idle detector -> <see cref="SwitchSession"/>.
/// One accept loop and a small pool of I/O loops (one per core by default) serve thousands of switches.
/// With <c>OpenFlow:Tls:Enabled</c> the port speaks TLS only (a <see cref="TlsServerHandler"/> in front of the
/// same pipeline, the idle detector added once the handshake is done) and an optional second listener on
/// <c>OpenFlow:PlainPort</c> keeps plain TCP for labs.
/// </summary>
internal sealed partial class OpenFlowServer : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly OpenFlowServerOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly IOpenFlowMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<OpenFlowServer> _logger;
    private readonly TlsRefusals _refusals;
    private MultithreadEventLoopGroup? _boss;
    private MultithreadEventLoopGroup? _workers;
    private IChannel? _listener;
    private IChannel? _plainListener;
    private TlsCredentials? _credentials;

    public OpenFlowServer(IOptions<OpenFlowServerOptions> options, SwitchRegistry registry, IOpenFlowMetrics metrics, ILoggerFactory loggerFactory, TlsRefusals? refusals = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _registry = registry;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<OpenFlowServer>();
        _refusals = refusals ?? new TlsRefusals(loggerFactory.CreateLogger<TlsRefusals>());
    }

    /// <summary>The address actually bound (its port is the real one when Port was 0); TLS when TLS is enabled.</summary>
    public IPEndPoint? BoundEndPoint => _listener?.LocalAddress as IPEndPoint;

    /// <summary>The plain-TCP listener beside the TLS one (<c>OpenFlow:PlainPort</c>), if any.</summary>
    public IPEndPoint? PlainBoundEndPoint => _plainListener?.LocalAddress as IPEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var threads = _options.EventLoopThreads > 0 ? _options.EventLoopThreads : Environment.ProcessorCount;
        _boss = new MultithreadEventLoopGroup(1);
        _workers = new MultithreadEventLoopGroup(threads);
        var sessionLogger = _loggerFactory.CreateLogger<SwitchSession>();
        var address = IPAddress.Parse(_options.Address);
        if (_options.Tls.Enabled)
        {
            _credentials = TlsCredentials.Load(_options.Tls, "OpenFlow:Tls");
            _listener = await Bootstrap(sessionLogger, _credentials).BindAsync(new IPEndPoint(address, _options.Port)).ConfigureAwait(false);
            LogListeningTls(_logger, BoundEndPoint?.ToString() ?? "?", threads, _credentials.Subject);
            if (_options.PlainPort is { } plain)
            {
                _plainListener = await Bootstrap(sessionLogger, null).BindAsync(new IPEndPoint(address, plain)).ConfigureAwait(false);
                LogListening(_logger, PlainBoundEndPoint?.ToString() ?? "?", threads);
            }
        }
        else
        {
            _listener = await Bootstrap(sessionLogger, null).BindAsync(new IPEndPoint(address, _options.Port)).ConfigureAwait(false);
            LogListening(_logger, BoundEndPoint?.ToString() ?? "?", threads);
        }
    }

    private ServerBootstrap Bootstrap(ILogger<SwitchSession> sessionLogger, TlsCredentials? tls) => new ServerBootstrap()
        .Group(_boss, _workers)
        .Channel<TcpServerSocketChannel>()
        .Option(ChannelOption.SoBacklog, _options.Backlog)
        .Option(ChannelOption.SoReuseaddr, true)
        .ChildOption(ChannelOption.TcpNodelay, true)
        .ChildOption(ChannelOption.SoKeepalive, true)
        .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
        .ChildOption(ChannelOption.WriteBufferHighWaterMark, _options.WriteBufferHighWaterMark)
        .ChildOption(ChannelOption.WriteBufferLowWaterMark, _options.WriteBufferLowWaterMark)
        .ChildHandler(new ActionChannelInitializer<IChannel>(ch =>
        {
            var session = new SwitchSession(_options, _registry, _metrics, sessionLogger);
            if (tls is not null)
            {
                ch.Pipeline.AddLast("tls", new TlsServerHandler(tls, _options.Tls.HandshakeTimeout, _refusals, p => p.AddBefore("session", "idle", Idle())));
            }

            ch.Pipeline
                .AddLast("frame", new OfpFrameDecoder())
                .AddLast("size", session.FrameSizeTap)
                .AddLast("decode", OfpMessageDecoder.WithRawPacketIns)
                .AddLast("encode", OfpMessageEncoder.Instance);
            if (tls is null)
            {
                ch.Pipeline.AddLast("idle", Idle());
            }

            ch.Pipeline.AddLast("session", session);
        }));

    private IdleStateHandler Idle() => new(_options.EchoInterval, TimeSpan.Zero, TimeSpan.Zero);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await ClosePlainListenerAsync().ConfigureAwait(false);
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.CloseAsync().ConfigureAwait(false);
            LogStopped(_logger);
        }

        var closing = _registry.Sessions().Select(s => s.CloseAsync()).ToArray();
        await Task.WhenAll(closing).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        await ShutdownGroupsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await ClosePlainListenerAsync().ConfigureAwait(false);
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.CloseAsync().ConfigureAwait(false);
        }

        await ShutdownGroupsAsync().ConfigureAwait(false);
    }

    /// <summary>Starts closing the listener and loops without waiting (StopAsync is the orderly path).</summary>
    public void Dispose()
    {
        _ = Interlocked.Exchange(ref _listener, null)?.CloseAsync();
        _ = Interlocked.Exchange(ref _plainListener, null)?.CloseAsync();
        _ = ShutdownGroupsAsync();
    }

    private async Task ClosePlainListenerAsync()
    {
        if (Interlocked.Exchange(ref _plainListener, null) is { } plain)
        {
            await plain.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task ShutdownGroupsAsync()
    {
        Interlocked.Exchange(ref _credentials, null)?.Dispose();
        var boss = Interlocked.Exchange(ref _boss, null);
        var workers = Interlocked.Exchange(ref _workers, null);
        var quiet = TimeSpan.FromMilliseconds(50);
        var max = TimeSpan.FromSeconds(2);
        await Task.WhenAll(
            boss?.ShutdownGracefullyAsync(quiet, max) ?? Task.CompletedTask,
            workers?.ShutdownGracefullyAsync(quiet, max) ?? Task.CompletedTask).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "OpenFlow listening on {EndPoint} with {Threads} I/O loops")]
    private static partial void LogListening(ILogger logger, string endPoint, int threads);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "OpenFlow listening with TLS on {EndPoint} with {Threads} I/O loops as {Subject}; peers need a certificate from the configured CA")]
    private static partial void LogListeningTls(ILogger logger, string endPoint, int threads, string subject);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "OpenFlow listener stopped")]
    private static partial void LogStopped(ILogger logger);
}
