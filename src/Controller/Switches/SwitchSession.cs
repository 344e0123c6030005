using System.Collections.Immutable;
using System.Net;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;
using OpenFlow;
using OpenFlow.Channel;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// The last handler of a switch's pipeline: runs the handshake (HELLO, FEATURES, SET_CONFIG,
/// PORT_DESC, ROLE_REQUEST master), keeps the connection alive with echoes, tracks ports, correlates
/// replies and errors with requests by xid, and publishes the switch to the registry when ready.
/// Inbound handling runs on the channel's event loop and never blocks; the public API may be used
/// from any thread (DotNetty queues those writes onto the loop in order).
/// This file holds the channel's lifecycle and the inbound dispatch; each other concern is a partial
/// file owning its fields: <c>.Handshake</c>, <c>.KeepAlive</c>, <c>.Requests</c> (xid tracking),
/// <c>.Multipart</c>, <c>.Write</c> (write path and backpressure), <c>.PacketIn</c> (burst budget and
/// answers), <c>.Errors</c>, <c>.Ports</c>, <c>.Role</c>, <c>.FlowMonitor</c> and <c>.Log</c>.
/// </summary>
internal sealed partial class SwitchSession : ChannelHandlerAdapter, ISwitchConnection, IPacketOutput
{
    private readonly OpenFlowServerOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly IOpenFlowMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SessionScope _scope = new();

    private IChannel? _channel;
    private IChannelHandlerContext? _context;
    private volatile Phase _phase;

    public SwitchSession(OpenFlowServerOptions options, SwitchRegistry registry, IOpenFlowMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _options = options;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _logLimiter = new LogLimiter(options.LogBurst, options.LogWindow, _time);
        FrameSizeTap = new FrameTap(this);
    }

    private enum Phase
    {
        AwaitHello,
        AwaitFeatures,
        AwaitPortDesc,
        AwaitRole,
        ProbingLive,
        Ready,
        Closed,
    }

    public DatapathId DatapathId => _features?.DatapathId ?? default;

    public string RemoteAddress => _scope.Remote;

    public FeaturesReply Features => _features ?? new FeaturesReply();

    public ControllerRole Role => _role;

    public DateTimeOffset ConnectedSince => _connectedSince;

    public bool IsActive => _phase == Phase.Ready && !_replaced && _channel is { Active: true };

    public ImmutableArray<Port> Ports => _ports;

    public SwitchCounters Counters { get; } = new();

    /// <summary>True once the handshake completed (for tests and diagnostics).</summary>
    internal bool IsReady => _phase == Phase.Ready;

    public override void ChannelActive(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _channel = context.Channel;
        _context = context;
        _scope.Remote = Format(context.Channel.RemoteAddress);
        Volatile.Write(ref _lastReadTimestamp, _time.GetTimestamp());
        using (_logger.BeginScope(_scope))
        {
            LogConnected(_logger, _scope.Remote);
        }

        _ = Write(context, Hello.ForOpenFlow13(NextXid()));
        context.Flush();
        _handshakeTimer = context.Executor.Schedule(() => OnHandshakeTimeout(context), _options.HandshakeTimeout);
        base.ChannelActive(context);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        Volatile.Write(ref _lastReadTimestamp, _time.GetTimestamp());
        switch (message)
        {
            case OfpMessage m:
                OnMessage(context, m);
                break;
            case DecodeFailure f:
                OnDecodeFailure(context, f);
                break;
            case IByteBuffer frame:
                try
                {
                    OnRawPacketIn(context, frame);
                }
                finally
                {
                    frame.Release();
                }

                break;
            default:
                ReferenceCountUtil.Release(message);
                break;
        }
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        using (_logger.BeginScope(_scope))
        {
            if (exception is DecoderException)
            {
                Counters.CountError();
                _metrics.Error(OpenFlowErrorKind.Framing);
                LogFraming(_logger, _scope.Remote, exception.Message);
            }
            else
            {
                LogConnectionException(_logger, _scope.Remote, exception);
            }
        }

        _phase = Phase.Closed;
        _ = context.CloseAsync();
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        var wasReady = _published;
        _phase = Phase.Closed;
        if (_answers is { } unsent)
        {
            _answers = null;
            unsent.Release();
        }

        _handshakeTimer?.Cancel();
        foreach (var xid in _pending.Keys)
        {
            if (_pending.TryRemove(xid, out var p))
            {
                p.Tcs.TrySetException(new SwitchDisconnectedException($"switch {DatapathId} disconnected"));
            }
        }

        Interlocked.Exchange(ref _writable, null)?.TrySetException(new SwitchDisconnectedException($"switch {DatapathId} disconnected"));
        using (_logger.BeginScope(_scope))
        {
            if (_logLimiter.TakeSuppressed() is var suppressed and > 0)
            {
                LogSuppressed(_logger, _scope.DatapathId, _scope.Remote, suppressed);
            }

            if (!wasReady)
            {
                LogClosedEarly(_logger, _scope.Remote);
            }
            else if (_registry.Unregister(this))
            {
                LogDisconnected(_logger, _scope.DatapathId, _scope.Remote);
            }
            else
            {
                LogReplacedClosed(_logger, _scope.DatapathId, _scope.Remote);
            }
        }

        base.ChannelInactive(context);
    }

    private void OnMessage(IChannelHandlerContext ctx, OfpMessage m)
    {
        Counters.CountIn(m.Type);
        _metrics.MessageIn(m.Type);
        var phase = _phase;
        if (phase == Phase.Closed)
        {
            return;
        }

        if (phase == Phase.AwaitHello)
        {
            if (m is Hello h)
            {
                OnHello(ctx, h);
            }
            else
            {
                RejectBeforeHello(ctx, m);
            }

            return;
        }

        switch (m)
        {
            case EchoRequest e:
                _ = Write(ctx, new EchoReply { Xid = e.Xid, Data = e.Data });
                return;
            case EchoReply when !_pending.ContainsKey(m.Xid):
                return; // the answer to a keep-alive echo; a requested one (takeover probe) completes below
            case ErrorMessage err:
                OnError(ctx, err);
                return;
            case PortStatus ps:
                OnPortStatus(ps);
                return;
            case PacketIn pi:
                if (phase == Phase.Ready)
                {
                    OnPacketIn(pi);
                }

                return;
            case RoleStatus rs:
                OnRoleStatus(rs);
                return;
            case FlowRemoved fr:
                if (phase == Phase.Ready)
                {
                    _registry.Publish(new SwitchFlowRemoved(DatapathId, fr));
                }

                return;
        }

        if (phase != Phase.Ready && OnHandshakeReply(ctx, m))
        {
            return;
        }

        if (phase == Phase.Ready && OnFlowMonitorUpdate(m))
        {
            return;
        }

        if (_pending.TryGetValue(m.Xid, out var p))
        {
            CompleteWith(m, p);
            return;
        }

        if (MayLog())
        {
            LogUnexpected(_logger, m.Type.ToString(), m.Xid);
        }
    }

    public Task CloseAsync() => _channel?.CloseAsync() ?? Task.CompletedTask;

    private static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        IPEndPoint ip => ip.ToString(),
        null => "unknown",
        _ => endPoint.ToString() ?? "unknown",
    };
}
