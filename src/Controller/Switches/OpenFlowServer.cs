using System.Net;
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
/// </summary>
internal sealed partial class OpenFlowServer : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly OpenFlowServerOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly IOpenFlowMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<OpenFlowServer> _logger;
    private MultithreadEventLoopGroup? _boss;
    private MultithreadEventLoopGroup? _workers;
    private IChannel? _listener;

    public OpenFlowServer(IOptions<OpenFlowServerOptions> options, SwitchRegistry registry, IOpenFlowMetrics metrics, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _registry = registry;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<OpenFlowServer>();
    }

    /// <summary>The address actually bound (its port is the real one when Port was 0).</summary>
    public IPEndPoint? BoundEndPoint => _listener?.LocalAddress as IPEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var threads = _options.EventLoopThreads > 0 ? _options.EventLoopThreads : Environment.ProcessorCount;
        _boss = new MultithreadEventLoopGroup(1);
        _workers = new MultithreadEventLoopGroup(threads);
        var sessionLogger = _loggerFactory.CreateLogger<SwitchSession>();
        var bootstrap = new ServerBootstrap()
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
                ch.Pipeline
                    .AddLast("frame", new OfpFrameDecoder())
                    .AddLast("size", session.FrameSizeTap)
                    .AddLast("decode", OfpMessageDecoder.WithRawPacketIns)
                    .AddLast("encode", OfpMessageEncoder.Instance)
                    .AddLast("idle", new IdleStateHandler(_options.EchoInterval, TimeSpan.Zero, TimeSpan.Zero))
                    .AddLast("session", session);
            }));
        var address = IPAddress.Parse(_options.Address);
        _listener = await bootstrap.BindAsync(new IPEndPoint(address, _options.Port)).ConfigureAwait(false);
        LogListening(_logger, BoundEndPoint?.ToString() ?? "?", threads);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
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
        _ = ShutdownGroupsAsync();
    }

    private async Task ShutdownGroupsAsync()
    {
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

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "OpenFlow listener stopped")]
    private static partial void LogStopped(ILogger logger);
}
