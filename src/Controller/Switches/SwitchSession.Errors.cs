using DotNetty.Transport.Channels;
using OpenFlow.Channel;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>
/// OFPT_ERROR from the switch and messages we could not decode: logged under the rate limit, matched
/// with their request, fatal during the handshake.
/// </summary>
internal sealed partial class SwitchSession
{
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
}
