using DotNetty.Handlers.Timeout;
using DotNetty.Transport.Channels;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// Keep-alive: the idle handler fires every OpenFlow:EchoInterval without a read; the session then
/// sends an ECHO_REQUEST, or closes when nothing came for OpenFlow:EchoTimeout.
/// </summary>
internal sealed partial class SwitchSession
{
    private long _lastReadTimestamp;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (evt is IdleStateEvent { State: IdleState.ReaderIdle })
        {
            var idle = (long)_time.GetElapsedTime(Volatile.Read(ref _lastReadTimestamp)).TotalMilliseconds;

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
}
