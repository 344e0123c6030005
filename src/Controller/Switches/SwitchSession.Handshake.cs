using DotNetty.Transport.Channels;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;
using IScheduledTask = DotNetty.Common.Concurrency.IScheduledTask;

namespace Controller.Switches;

/// <summary>
/// The handshake: HELLO (version check), FEATURES, SET_CONFIG, PORT_DESC, ROLE_REQUEST, then the
/// takeover probe of a live session with the same datapath id, and publication to the registry. One
/// timer bounds the whole of it (OpenFlow:HandshakeTimeout).
/// </summary>
internal sealed partial class SwitchSession
{
    private uint _featuresXid;
    private uint _portDescXid;
    private uint _roleXid;
    private List<Port>? _portParts;
    private long _portPartBytes;
    private FeaturesReply? _features;
    private DateTimeOffset _connectedSince;
    private IScheduledTask? _handshakeTimer;
    private volatile bool _replaced;
    private volatile bool _published;

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
}
