using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Channel;

/// <summary>
/// Splits the TCP stream into whole OpenFlow messages using the 16-bit length at offset 2 of the
/// header. DotNetty's own check only rejects lengths below 4 (the end of the length field); a
/// length of 4 to 7 cannot hold a header, so it is rejected here. Either way the stream cannot be
/// resynchronised, so a framing error is thrown (as a <see cref="DecoderException"/>) and the
/// session closes the connection.
/// </summary>
public sealed class OfpFrameDecoder : LengthFieldBasedFrameDecoder
{
    public OfpFrameDecoder()
        : base(OfpConstants.MaxMessageLength, 2, 2, -4, 0)
    {
    }

    protected override void Decode(IChannelHandlerContext context, IByteBuffer input, List<object> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ReadableBytes >= 4)
        {
            int length = input.GetUnsignedShort(input.ReaderIndex + 2);
            if (length < OfpHeader.Size)
            {
                // Skip what we have so the base class does not try again; the connection is closed anyway.
                input.SkipBytes(input.ReadableBytes);
                throw new OfpFramingException($"message length {length} is shorter than the 8-byte header");
            }
        }

        base.Decode(context, input, output);
    }

    /// <summary>
    /// A retained slice of the cumulation: for a pooled buffer a recycled slice object, where the base
    /// class's plain slice allocates one per frame.
    /// </summary>
    protected override IByteBuffer ExtractFrame(IChannelHandlerContext context, IByteBuffer buffer, int index, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return buffer.RetainedSlice(index, length);
    }
}
