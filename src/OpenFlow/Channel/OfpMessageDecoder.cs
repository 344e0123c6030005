using System.Buffers;
using System.Buffers.Binary;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using OpenFlow.Wire;

namespace OpenFlow.Channel;

/// <summary>
/// Turns one frame (from <see cref="OfpFrameDecoder"/>) into an <see cref="Messages.OfpMessage"/>.
/// A frame the codec rejects becomes a <see cref="DecodeFailure"/> instead of an exception, so one
/// bad message does not cost the connection. The frame is released by the base class.
/// Stateless, so one instance can serve every channel.
/// </summary>
/// <remarks>
/// <see cref="WithRawPacketIns"/> passes a well-formed PACKET_IN whose match is only in_port on as the
/// frame itself (an <see cref="IByteBuffer"/> the next handler must release), for a handler that reads
/// it in place with <see cref="Messages.PacketInView"/> instead of decoding it into objects.
/// </remarks>
public sealed class OfpMessageDecoder : MessageToMessageDecoder<IByteBuffer>
{
    public static readonly OfpMessageDecoder Instance = new(rawPacketIns: false);

    public static readonly OfpMessageDecoder WithRawPacketIns = new(rawPacketIns: true);

    private readonly bool _rawPacketIns;

    private OfpMessageDecoder(bool rawPacketIns)
    {
        _rawPacketIns = rawPacketIns;
    }

    /// <summary>Stateless: one instance serves every channel (DotNetty's @Sharable).</summary>
    public override bool IsSharable => true;

    protected override void Decode(IChannelHandlerContext context, IByteBuffer message, List<object> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var length = message.ReadableBytes;
        byte[]? rented = null;
        ReadOnlySpan<byte> frame;
        var raw = false;
        if (message.HasArray)
        {
            frame = new ReadOnlySpan<byte>(message.Array, message.ArrayOffset + message.ReaderIndex, length);
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(length);
            message.GetBytes(message.ReaderIndex, rented, 0, length);
            frame = rented.AsSpan(0, length);
        }

        try
        {
            if (_rawPacketIns && Messages.PacketInView.TryReadInPortOnly(frame, out _))
            {
                // Retained for the next handler; the base class releases our own reference.
                raw = true;
                output.Add(message.Retain());
                return;
            }

            output.Add(MessageCodec.Decode(frame));
        }
        catch (OfpDecodeException e)
        {
            output.Add(Failure(frame, e));
        }
        finally
        {
            if (!raw)
            {
                message.SkipBytes(length);
            }

            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static DecodeFailure Failure(ReadOnlySpan<byte> frame, OfpDecodeException e)
    {
        var xid = frame.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(frame[4..]) : 0u;
        return new DecodeFailure(
            xid,
            frame.Length > 0 ? frame[0] : (byte)0,
            frame.Length > 1 ? frame[1] : (byte)0,
            frame.Length,
            e.Type,
            e.Code,
            e.Offset,
            Octets.CopyOf(frame[..Math.Min(frame.Length, DecodeFailure.MaxOffending)]),
            e.Message);
    }
}
