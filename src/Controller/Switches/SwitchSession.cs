using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using DotNetty.Buffers;
using DotNetty.Codecs;
using IScheduledTask = DotNetty.Common.Concurrency.IScheduledTask;
using DotNetty.Common.Utilities;
using DotNetty.Handlers.Timeout;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;
using OpenFlow;
using OpenFlow.Channel;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Controller.Switches;

/// <summary>
/// The last handler of a switch's pipeline: runs the handshake (HELLO, FEATURES, SET_CONFIG,
/// PORT_DESC, ROLE_REQUEST master), keeps the connection alive with echoes, tracks ports, correlates
/// replies and errors with requests by xid, and publishes the switch to the registry when ready.
/// Inbound handling runs on the channel's event loop and never blocks; the public API may be used
/// from any thread (DotNetty queues those writes onto the loop in order).
/// </summary>
internal sealed partial class SwitchSession : ChannelHandlerAdapter, ISwitchConnection, IPacketOutput
{
    private const int LogHexBytes = 32;

    /// <summary>The answers of one read burst are gathered in one buffer and written with the flush.</summary>
    private const int AnswersInitialBytes = 4096;

    /// <summary>Bounds one burst's gathered answers; beyond it PACKET_INs are dropped and counted.</summary>
    private const int AnswersMaxBytes = 1 << 20;

    private readonly OpenFlowServerOptions _options;
    private readonly SwitchRegistry _registry;
    private readonly IOpenFlowMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SessionScope _scope = new();
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();

    private IChannel? _channel;
    private IChannelHandlerContext? _context;
    private readonly LogLimiter _logLimiter;
    private int _lastFrameLength;
    private long _portPartBytes;
    private int _packetInsThisBurst;
    private IByteBuffer? _answers;
    private volatile Phase _phase;
    private uint _xid;
    private uint _featuresXid;
    private uint _portDescXid;
    private uint _roleXid;
    private List<Port>? _portParts;
    private ImmutableArray<Port> _ports = [];
    private FeaturesReply? _features;
    private ControllerRole _role = ControllerRole.Equal;
    private DateTimeOffset _connectedSince;
    private long _lastReadTicks;
    private TaskCompletionSource? _writable;
    private IScheduledTask? _handshakeTimer;
    private volatile bool _replaced;
    private volatile bool _published;

    public SwitchSession(OpenFlowServerOptions options, SwitchRegistry registry, IOpenFlowMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _options = options;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _logLimiter = new LogLimiter(options.LogBurst, options.LogWindow, time);
        FrameSizeTap = new FrameTap(this);
    }

    /// <summary>
    /// The handler to put between the frame decoder and the message decoder: it records each frame's
    /// length so that multipart replies can be capped in bytes as well as in messages.
    /// </summary>
    internal IChannelHandler FrameSizeTap { get; }

    /// <summary>Log lines of this switch suppressed by the rate limit.</summary>
    internal long LogLinesSuppressed => _logLimiter.SuppressedTotal;

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

    private enum PendingKind
    {
        Single,
        Multipart,
        Collect,
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

    // ----- inbound, on the event loop -----------------------------------------------------------

    public override void ChannelActive(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _channel = context.Channel;
        _context = context;
        _scope.Remote = Format(context.Channel.RemoteAddress);
        Volatile.Write(ref _lastReadTicks, Environment.TickCount64);
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
        Volatile.Write(ref _lastReadTicks, Environment.TickCount64);
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

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _packetInsThisBurst = 0;
        if (_answers is { } answers)
        {
            _answers = null;
            _ = context.WriteAsync(answers);
        }

        context.Flush();
    }

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Channel.IsWritable)
        {
            Interlocked.Exchange(ref _writable, null)?.TrySetResult();
        }

        base.ChannelWritabilityChanged(context);
    }

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (evt is IdleStateEvent { State: IdleState.ReaderIdle })
        {
            var idle = Environment.TickCount64 - Volatile.Read(ref _lastReadTicks);

            // Idle events come every EchoInterval; allow a little timer jitter so that a timeout
            // that is a multiple of the interval fires on that event, not one interval later.
            if (idle + 100 >= (long)_options.EchoTimeout.TotalMilliseconds)
            {
                _metrics.Error(OpenFlowErrorKind.EchoTimeout);
                using (_logger.BeginScope(_scope))
                {
                    LogEchoTimeout(_logger, _scope.Remote, idle);
                }

                _ = context.CloseAsync();
            }
            else if (_phase != Phase.Closed)
            {
                _ = Write(context, new EchoRequest { Xid = NextXid() });
                context.Flush();
            }

            return;
        }

        base.UserEventTriggered(context, evt);
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

    /// <summary>
    /// Answers the PACKET_IN right here on the switch's event loop. It is dropped (counted) when the
    /// switch does not read our answers (the channel is above its write high-water mark) or when this
    /// read burst already used its budget, so neither the outbound buffer nor the loop's time grows
    /// with the sender's rate.
    /// </summary>
    private void OnPacketIn(PacketIn pi)
    {
        var handler = _registry.PacketInHandler;
        if (handler is null)
        {
            _registry.Publish(new SwitchPacketIn(DatapathId, this, pi));
            return;
        }

        HandlePacketIn(handler, PacketInView.Of(pi));
    }

    /// <summary>
    /// A PACKET_IN the decoder passed on undecoded (<see cref="OfpMessageDecoder.WithRawPacketIns"/>):
    /// read in place when ready and a handler is registered; otherwise decoded the ordinary way, so
    /// that the handshake, the registry's subscribers and the error paths see what they always did.
    /// </summary>
    private void OnRawPacketIn(IChannelHandlerContext ctx, IByteBuffer frame)
    {
        var handler = _registry.PacketInHandler;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> bytes;
            if (frame.HasArray)
            {
                bytes = new ReadOnlySpan<byte>(frame.Array, frame.ArrayOffset + frame.ReaderIndex, frame.ReadableBytes);
            }
            else
            {
                rented = System.Buffers.ArrayPool<byte>.Shared.Rent(frame.ReadableBytes);
                frame.GetBytes(frame.ReaderIndex, rented, 0, frame.ReadableBytes);
                bytes = rented.AsSpan(0, frame.ReadableBytes);
            }

            if (handler is null || _phase != Phase.Ready || !PacketInView.TryReadInPortOnly(bytes, out var view))
            {
                OnMessage(ctx, MessageCodec.Decode(bytes));
                return;
            }

            Counters.CountIn(OfpType.PacketIn);
            _metrics.MessageIn(OfpType.PacketIn);
            HandlePacketIn(handler, view);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void HandlePacketIn(IPacketInHandler handler, in PacketInView packetIn)
    {
        if (_channel is not { IsWritable: true } || ++_packetInsThisBurst > _options.PacketInBurstLimit)
        {
            Counters.CountPacketInDropped();
            _metrics.Error(OpenFlowErrorKind.PacketInDropped);
            return;
        }

        try
        {
            handler.OnPacketIn(this, packetIn, this);
        }
#pragma warning disable CA1031 // A handler failure on one packet must not close the switch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Counters.CountError();
            if (MayLog())
            {
                LogPacketInFailed(_logger, _scope.DatapathId, ex);
            }
        }
    }

    void IPacketOutput.Write(OfpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_context is not { } ctx)
        {
            return;
        }

        if (message.Xid == 0)
        {
            message = message with { Xid = NextXid() };
        }

        _ = Write(ctx, message);
    }

    Span<byte> IPacketOutput.Reserve(OfpType type, int length, out uint xid)
    {
        xid = 0;
        if (_context is not { } ctx || !MayWrite(type))
        {
            return [];
        }

        var answers = _answers ??= ctx.Allocator.HeapBuffer(AnswersInitialBytes);
        if (answers.WriterIndex + length > AnswersMaxBytes)
        {
            Counters.CountPacketInDropped();
            _metrics.Error(OpenFlowErrorKind.PacketInDropped);
            return [];
        }

        answers.EnsureWritable(length);
        var at = answers.WriterIndex;
        answers.SetWriterIndex(at + length);
        xid = NextXid();
        Counters.CountOut(type);
        _metrics.MessageOut(type);
        return new Span<byte>(answers.Array, answers.ArrayOffset + at, length);
    }

    private void OnHello(IChannelHandlerContext ctx, Hello hello)
    {
        if (!hello.Supports(OfpConstants.Version))
        {
            _metrics.Error(OpenFlowErrorKind.Handshake);
            using (_logger.BeginScope(_scope))
            {
                LogHelloIncompatible(_logger, _scope.Remote, hello.Version);
            }

            WriteAndClose(ctx, new ErrorMessage
            {
                Xid = hello.Xid,
                ErrorType = ErrorType.HelloFailed,
                Code = (ushort)HelloFailedCode.Incompatible,
                Data = "OpenFlow 1.3 (version 0x04) required"u8.ToArray(),
            });
            return;
        }

        _featuresXid = NextXid();
        _phase = Phase.AwaitFeatures;
        _ = Write(ctx, new FeaturesRequest { Xid = _featuresXid });
    }

    private void RejectBeforeHello(IChannelHandlerContext ctx, OfpMessage m)
    {
        _metrics.Error(OpenFlowErrorKind.Handshake);
        using (_logger.BeginScope(_scope))
        {
            LogBeforeHello(_logger, m.Type.ToString(), m.Xid, _scope.Remote);
        }

        var offending = MessageCodec.Encode(m);
        WriteAndClose(ctx, ErrorMessage.For(ErrorType.BadRequest, (ushort)BadRequestCode.EPerm, m.Xid, offending));
    }

    private bool OnHandshakeReply(IChannelHandlerContext ctx, OfpMessage m)
    {
        switch (_phase)
        {
            case Phase.AwaitFeatures when m is FeaturesReply f && f.Xid == _featuresXid:
                _features = f;
                _scope.DatapathId = f.DatapathId.ToString();
                _ = Write(ctx, new SetConfig { Xid = NextXid(), MissSendLen = OfpConstants.ControllerMaxLenNoBuffer });
                _portDescXid = NextXid();
                _portParts = [];
                _phase = Phase.AwaitPortDesc;
                _ = Write(ctx, new MultipartRequest { Xid = _portDescXid, Body = new PortDescRequest() });
                return true;

            case Phase.AwaitPortDesc when m is MultipartReply { Body: PortDescReply pd } r && r.Xid == _portDescXid:
                _portParts!.AddRange(pd.Ports);
                _portPartBytes += _lastFrameLength;
                if (r.More && OverCap(_portParts.Count, _portPartBytes))
                {
                    MultipartOverflow(r);
                    return true;
                }

                if (!r.More)
                {
                    _ports = [.. _portParts.OrderBy(p => p.PortNo)];
                    _portParts = null;
                    _roleXid = NextXid();
                    _phase = Phase.AwaitRole;
                    _ = Write(ctx, HandshakeRoleRequest(_roleXid));
                }

                return true;

            case Phase.AwaitRole when m is RoleReply rr && rr.Xid == _roleXid:
                _role = rr.Role;
                _generation = rr.GenerationId;
                BecomeReady();
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// The handshake is done. If another live session already holds this datapath id, that one is
    /// probed with an echo first: only when it fails to answer within OpenFlow:TakeoverProbeTimeout
    /// (a switch that restarted behind a half-open connection) does this connection take over;
    /// otherwise this one is refused and closed, so an impostor cannot steal a live switch's session.
    /// </summary>
    private void BecomeReady()
    {
        _handshakeTimer?.Cancel();
        if (_registry.FindSession(DatapathId) is { } live && !ReferenceEquals(live, this) && live.IsActive && _context is { } ctx)
        {
            _phase = Phase.ProbingLive;
            _ = ProbeLiveThenDecideAsync(ctx, live);
            return;
        }

        Publish();
    }

    private async Task ProbeLiveThenDecideAsync(IChannelHandlerContext ctx, SwitchSession live)
    {
        var alive = false;
        try
        {
            using var timeout = new CancellationTokenSource(_options.TakeoverProbeTimeout);
            await live.RequestAsync<EchoReply>(new EchoRequest { Data = "takeover-probe"u8.ToArray() }, timeout.Token).ConfigureAwait(false);
            alive = true;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or SwitchDisconnectedException or InvalidDataException or OpenFlowErrorException)
        {
            // No answer: the live session is dead or wedged; the newcomer takes over.
        }

        ctx.Executor.Execute(() =>
        {
            if (_phase != Phase.ProbingLive)
            {
                return; // this connection closed meanwhile
            }

            if (alive && live.IsActive)
            {
                _metrics.Error(OpenFlowErrorKind.DuplicateRefused);
                using (_logger.BeginScope(_scope))
                {
                    LogDuplicateRefused(_logger, _scope.DatapathId, _scope.Remote, live.RemoteAddress);
                }

                _phase = Phase.Closed;
                _ = ctx.CloseAsync();
                return;
            }

            Publish();
        });
    }

    private void Publish()
    {
        _connectedSince = DateTimeOffset.UtcNow;
        _phase = Phase.Ready;
        using (_logger.BeginScope(_scope))
        {
            LogReady(_logger, _scope.DatapathId, _scope.Remote, _ports.Length, _role.ToString());
        }

        _published = true;
        var old = _registry.Register(this);
        old?.CloseReplaced();
    }

    /// <summary>Closes this connection because a newer one for the same datapath id took its place.</summary>
    internal void CloseReplaced()
    {
        _replaced = true;
        _ = _channel?.CloseAsync();
    }

    private void OnError(IChannelHandlerContext ctx, ErrorMessage err)
    {
        Counters.CountError();
        _metrics.Error(OpenFlowErrorKind.SwitchError);
        CountRoleRefusal(err);
        var matched = _pending.TryGetValue(err.Xid, out var p);
        var loggable = MayLog();
        using (_logger.BeginScope(_scope))
        {
            if (loggable)
            {
                LogSwitchError(_logger, _scope.DatapathId, err.Describe(), err.Xid, matched ? " (pending request)" : string.Empty, Hex(err.Data.Span));
            }

            switch (_phase)
            {
                case Phase.AwaitRole when err.Xid == _roleXid:
                    LogRoleRefused(_logger, _scope.DatapathId, err.Describe());
                    _role = ControllerRole.Equal;
                    BecomeReady();
                    return;
                case Phase.AwaitFeatures or Phase.AwaitPortDesc or Phase.AwaitRole
                    when err.Xid == _featuresXid || err.Xid == _portDescXid || err.ErrorType == ErrorType.HelloFailed:
                    _metrics.Error(OpenFlowErrorKind.Handshake);
                    LogHandshakeFailed(_logger, _scope.Remote, _phase.ToString(), err.Describe());
                    _phase = Phase.Closed;
                    _ = ctx.CloseAsync();
                    return;
            }
        }

        if (matched)
        {
            if (p!.Kind == PendingKind.Collect)
            {
                lock (p)
                {
                    (p.Parts ??= []).Add(err);
                }
            }
            else if (_pending.TryRemove(new KeyValuePair<uint, Pending>(err.Xid, p)))
            {
                p.Tcs.TrySetException(new OpenFlowErrorException(DatapathId, err));
            }
        }

        // Under the same budget as the log: an ERROR flood must not fill the subscribers' queues either.
        if (_phase == Phase.Ready && loggable)
        {
            _registry.Publish(new SwitchError(DatapathId, err));
        }
    }

    private void OnDecodeFailure(IChannelHandlerContext ctx, DecodeFailure f)
    {
        Counters.CountError();
        _metrics.Error(OpenFlowErrorKind.Decode);
        using (_logger.BeginScope(_scope))
        {
            if (MayLog())
            {
                LogDecodeFailed(_logger, f.TypeByte, f.Xid, f.Length, f.Reason, f.ErrorType, f.Code, Hex(f.Offending.Span));
            }
        }

        var error = ErrorMessage.For(f.ErrorType, f.Code, f.Xid, f.Offending.Span);
        var phase = _phase;
        if (phase == Phase.AwaitHello
            || (phase is Phase.AwaitFeatures or Phase.AwaitPortDesc or Phase.AwaitRole
                && (f.Xid == _featuresXid || f.Xid == _portDescXid || f.Xid == _roleXid)))
        {
            _metrics.Error(OpenFlowErrorKind.Handshake);
            WriteAndClose(ctx, error);
            return;
        }

        // A reply we cannot decode fails its request now instead of letting it time out.
        if (_pending.TryGetValue(f.Xid, out var p) && p.Kind != PendingKind.Collect
            && _pending.TryRemove(new KeyValuePair<uint, Pending>(f.Xid, p)))
        {
            p.Tcs.TrySetException(new InvalidDataException($"the reply to xid {f.Xid} could not be decoded: {f.Reason}"));
        }

        _ = Write(ctx, error);
    }

    private void OnPortStatus(PortStatus ps)
    {
        var ports = _ports;
        var builder = ImmutableArray.CreateBuilder<Port>(ports.Length + 1);
        foreach (var p in ports)
        {
            if (p.PortNo != ps.Desc.PortNo)
            {
                builder.Add(p);
            }
        }

        if (ps.Reason != PortReason.Delete)
        {
            builder.Add(ps.Desc);
        }

        builder.Sort(static (a, b) => a.PortNo.CompareTo(b.PortNo));
        _ports = builder.ToImmutable();
        if (_phase == Phase.Ready)
        {
            _registry.Publish(new SwitchPortsChanged(DatapathId, _ports, ps));
        }
    }

    private void OnHandshakeTimeout(IChannelHandlerContext ctx)
    {
        var phase = _phase;
        if (phase is Phase.Ready or Phase.Closed)
        {
            return;
        }

        _metrics.Error(OpenFlowErrorKind.HandshakeTimeout);
        using (_logger.BeginScope(_scope))
        {
            LogHandshakeTimeout(_logger, _scope.Remote, _options.HandshakeTimeout, phase.ToString());
        }

        _phase = Phase.Closed;
        _ = ctx.CloseAsync();
    }

    private void CompleteWith(OfpMessage m, Pending p)
    {
        switch (p.Kind)
        {
            case PendingKind.Multipart when m is MultipartReply part:
                p.Parts ??= [];
                p.Parts.Add(part);
                p.Bytes += _lastFrameLength;
                if (part.More && OverCap(p.Parts.Count, p.Bytes))
                {
                    if (_pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                    {
                        p.Tcs.TrySetException(new InvalidDataException(
                            $"switch {DatapathId} sent more than {_options.MultipartMaxMessages} parts or {_options.MultipartMaxBytes} bytes for multipart xid {m.Xid}"));
                    }

                    p.Parts = null;
                    MultipartOverflow(part);
                    break;
                }

                if (!part.More && _pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                {
                    p.Tcs.TrySetResult(p.Parts);
                }

                break;
            case PendingKind.Collect:
                if (MayLog())
                {
                    LogUnexpected(_logger, m.Type.ToString(), m.Xid);
                }

                break;
            default:
                if (_pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                {
                    p.Tcs.TrySetResult([m]);
                }

                break;
        }
    }

    private bool OverCap(int parts, long bytes) => parts > _options.MultipartMaxMessages || bytes > _options.MultipartMaxBytes;

    /// <summary>A REPLY_MORE sequence went over the cap: OFPET_BAD_REQUEST/OFPBRC_MULTIPART_BUFFER_OVERFLOW, then close.</summary>
    private void MultipartOverflow(MultipartReply part)
    {
        Counters.CountError();
        _metrics.Error(OpenFlowErrorKind.MultipartOverflow);
        using (_logger.BeginScope(_scope))
        {
            LogMultipartOverflow(_logger, _scope.DatapathId, _scope.Remote, part.Xid, _options.MultipartMaxMessages, _options.MultipartMaxBytes);
        }

        if (_context is { } ctx)
        {
            WriteAndClose(ctx, ErrorMessage.For(ErrorType.BadRequest, (ushort)BadRequestCode.MultipartBufferOverflow, part.Xid, ReadOnlySpan<byte>.Empty));
        }
    }

    /// <summary>Rate limit for this switch's log lines; logs the summary of what it suppressed before the next line.</summary>
    private bool MayLog()
    {
        if (!_logLimiter.TryAcquire(out var suppressed))
        {
            return false;
        }

        if (suppressed != 0)
        {
            LogSuppressed(_logger, _scope.DatapathId, _scope.Remote, suppressed);
        }

        return true;
    }

    private void WriteAndClose(IChannelHandlerContext ctx, OfpMessage m)
    {
        _phase = Phase.Closed;
        _handshakeTimer?.Cancel();
        Count(m);
        ctx.WriteAndFlushAsync(m).ContinueWith(
            static (_, state) => ((IChannelHandlerContext)state!).CloseAsync(),
            ctx,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task Write(IChannelHandlerContext ctx, OfpMessage m)
    {
        if (!MayWrite(m))
        {
            return Task.CompletedTask;
        }

        Count(m);
        return ctx.WriteAsync(m);
    }

    private void Count(OfpMessage m)
    {
        Counters.CountOut(m.Type);
        _metrics.MessageOut(m.Type);
    }

    // ----- public API, any thread ---------------------------------------------------------------

    public uint NextXid()
    {
        uint x;
        do
        {
            x = Interlocked.Increment(ref _xid);
        }
        while (x == 0);
        return x;
    }

    public Task SendAsync(OfpMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAsync([message], cancellationToken);
    }

    public async Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var channel = ActiveChannel();
        EnsureMayWrite(messages);
        Task last = Task.CompletedTask;
        for (var i = 0; i < messages.Count; i++)
        {
            if (i % ISwitchConnection.SendChunk == 0)
            {
                if (i > 0)
                {
                    channel.Flush();
                }

                await WaitWritableAsync(channel, cancellationToken).ConfigureAwait(false);
            }

            var m = messages[i];
            if (m.Xid == 0)
            {
                m = m with { Xid = NextXid() };
            }

            Count(m);
            last = channel.WriteAsync(m);
        }

        channel.Flush();
        await Disconnectable(last).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ErrorMessage>> SendWithBarrierAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var collect = new Pending(PendingKind.Collect);
        var assigned = new OfpMessage[messages.Count];
        var registered = new List<uint>(messages.Count);
        for (var i = 0; i < assigned.Length; i++)
        {
            var m = messages[i];
            assigned[i] = m.Xid == 0 ? m with { Xid = NextXid() } : m;
            if (_pending.TryAdd(assigned[i].Xid, collect))
            {
                registered.Add(assigned[i].Xid);
            }
        }

        try
        {
            await SendAsync(assigned, cancellationToken).ConfigureAwait(false);
            await BarrierAsync(cancellationToken).ConfigureAwait(false);
            lock (collect)
            {
                return collect.Parts is null ? [] : [.. collect.Parts.Cast<ErrorMessage>()];
            }
        }
        finally
        {
            foreach (var xid in registered)
            {
                _pending.TryRemove(new KeyValuePair<uint, Pending>(xid, collect));
            }
        }
    }

    public async Task<T> RequestAsync<T>(OfpMessage request, CancellationToken cancellationToken = default)
        where T : OfpMessage
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request is MultipartRequest)
        {
            throw new InvalidOperationException("Use RequestMultipartAsync for multipart requests (replies come in parts).");
        }

        var replies = await RequestCoreAsync(request, PendingKind.Single, cancellationToken).ConfigureAwait(false);
        return replies[0] as T
            ?? throw new InvalidDataException($"expected {typeof(T).Name} from switch {DatapathId}, got {replies[0].Type}");
    }

    public async Task<IReadOnlyList<MultipartReply>> RequestMultipartAsync(MultipartRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var replies = await RequestCoreAsync(request, PendingKind.Multipart, cancellationToken).ConfigureAwait(false);
        return [.. replies.Cast<MultipartReply>()];
    }

    public async Task BarrierAsync(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        await RequestAsync<BarrierReply>(new BarrierRequest(), cancellationToken).ConfigureAwait(false);
        _metrics.BarrierLatency(Stopwatch.GetElapsedTime(start));
    }

    public async Task<IReadOnlyList<FlowStats>> DumpFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken = default)
    {
        var parts = await RequestMultipartAsync(
            new MultipartRequest { Body = new FlowStatsRequest { TableId = tableId, Cookie = new OpenFlow.Cookie(cookie), CookieMask = cookieMask } },
            cancellationToken).ConfigureAwait(false);
        var flows = new List<FlowStats>();
        foreach (var part in parts)
        {
            if (part.Body is FlowStatsReply f)
            {
                flows.AddRange(f.Flows);
            }
        }

        return flows;
    }

    public Task CloseAsync() => _channel?.CloseAsync() ?? Task.CompletedTask;

    private async Task<IReadOnlyList<OfpMessage>> RequestCoreAsync(OfpMessage request, PendingKind kind, CancellationToken cancellationToken)
    {
        var channel = ActiveChannel();
        EnsureMayWrite([request]);
        var xid = NextXid();
        var m = request with { Xid = xid };
        var p = new Pending(kind);
        _pending[xid] = p;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var registration = timeout.Token.Register(() =>
        {
            if (_pending.TryRemove(new KeyValuePair<uint, Pending>(xid, p)))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    p.Tcs.TrySetCanceled(cancellationToken);
                }
                else
                {
                    _metrics.Error(OpenFlowErrorKind.RequestTimeout);
                    if (MayLog())
                    {
                        LogRequestTimeout(_logger, xid, m.Type.ToString(), _scope.DatapathId, _options.RequestTimeout);
                    }
                    p.Tcs.TrySetException(new TimeoutException($"switch {DatapathId} did not answer {m.Type} xid {xid} within {_options.RequestTimeout}"));
                }
            }
        });
        try
        {
            await WaitWritableAsync(channel, timeout.Token).ConfigureAwait(false);
            Count(m);
            var write = channel.WriteAndFlushAsync(m);
            _ = write.ContinueWith(
                static (t, state) => ((Pending)state!).Tcs.TrySetException(new SwitchDisconnectedException("the request could not be written", t.Exception!.InnerException!)),
                p,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return await p.Tcs.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"switch {DatapathId} was not writable within {_options.RequestTimeout}");
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<uint, Pending>(xid, p));
        }
    }

    private IChannel ActiveChannel()
    {
        var channel = _channel;
        if (channel is null || !channel.Active || _phase == Phase.Closed)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} is not connected");
        }

        return channel;
    }

    private Task WaitWritableAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (channel.IsWritable)
        {
            return Task.CompletedTask;
        }

        var tcs = Volatile.Read(ref _writable);
        if (tcs is null)
        {
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tcs = Interlocked.CompareExchange(ref _writable, fresh, null) ?? fresh;
        }

        // Writability may have come back between the check and the registration.
        if (channel.IsWritable)
        {
            Interlocked.Exchange(ref _writable, null)?.TrySetResult();
        }

        if (!channel.Active)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} is not connected");
        }

        return tcs.Task.WaitAsync(cancellationToken);
    }

    private async Task Disconnectable(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DotNetty.Transport.Channels.ClosedChannelException or IOException)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} disconnected while sending", e);
        }
    }

    private static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        IPEndPoint ip => ip.ToString(),
        null => "unknown",
        _ => endPoint.ToString() ?? "unknown",
    };

    private static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data[..Math.Min(data.Length, LogHexBytes)]);

    private sealed class Pending(PendingKind kind)
    {
        public PendingKind Kind { get; } = kind;

        public TaskCompletionSource<IReadOnlyList<OfpMessage>> Tcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<OfpMessage>? Parts { get; set; }

        /// <summary>Frame bytes of the parts so far (multipart only).</summary>
        public long Bytes { get; set; }
    }

    /// <summary>Records the length of each frame before it is decoded (same loop, so the next message the session sees is that frame).</summary>
    private sealed class FrameTap(SwitchSession session) : ChannelHandlerAdapter
    {
        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (message is DotNetty.Buffers.IByteBuffer buffer)
            {
                session._lastFrameLength = buffer.ReadableBytes;
            }

            context.FireChannelRead(message);
        }
    }
}
