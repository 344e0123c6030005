using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Channel;

/// <summary>
/// Encodes outbound <see cref="OfpMessage"/>s into byte buffers. Each message is written into a
/// per-thread 64 KiB scratch area and copied into a buffer of exactly its size, so the only
/// allocation is the (pooled) buffer itself. Anything that is not a message passes through.
/// Stateless and sharable.
/// </summary>
public sealed class OfpMessageEncoder : ChannelHandlerAdapter
{
    public static readonly OfpMessageEncoder Instance = new();

    /// <summary>Stateless: one instance serves every channel (DotNetty's @Sharable).</summary>
    public override bool IsSharable => true;

    [ThreadStatic]
    private static byte[]? t_scratch;

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (message is not OfpMessage m)
        {
            return context.WriteAsync(message);
        }

        IByteBuffer buffer;
        try
        {
            buffer = Encode(context.Allocator, m);
        }
        catch (OfpEncodeException e)
        {
            return Task.FromException(e);
        }

        return context.WriteAsync(buffer);
    }

    /// <summary>Encodes <paramref name="message"/> into a new buffer from <paramref name="allocator"/>.</summary>
    public static IByteBuffer Encode(IByteBufferAllocator allocator, OfpMessage message)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        var scratch = t_scratch ??= new byte[OfpConstants.MaxMessageLength];
        var n = MessageCodec.Encode(message, scratch);
        var buffer = allocator.Buffer(n, n);
        buffer.WriteBytes(scratch, 0, n);
        return buffer;
    }
}
