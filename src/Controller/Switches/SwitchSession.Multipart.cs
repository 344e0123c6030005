using DotNetty.Transport.Channels;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>
/// Multipart assembly limits: each frame's length is recorded before decoding, so that a REPLY_MORE
/// sequence is capped in bytes (OpenFlow:MultipartMaxBytes) as well as in parts.
/// </summary>
internal sealed partial class SwitchSession
{
    private int _lastFrameLength;

    /// <summary>
    /// The handler to put between the frame decoder and the message decoder: it records each frame's
    /// length so that multipart replies can be capped in bytes as well as in messages.
    /// </summary>
    internal IChannelHandler FrameSizeTap { get; }

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
