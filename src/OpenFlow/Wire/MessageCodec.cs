using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace OpenFlow.Wire;

/// <summary>
/// Encodes and decodes whole OpenFlow 1.3 messages. Decoding either returns a message or throws
/// <see cref="OfpDecodeException"/>; an unknown type is an error (BAD_TYPE), never null.
/// </summary>
public static class MessageCodec
{
    /// <summary>Encodes a message (header included) into <paramref name="destination"/>; returns its length.</summary>
    public static int Encode(OfpMessage message, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new OfpWriter(destination);

        // version(1) | type(1) | length(2, patched below) | xid(4) as one 64-bit write.
        w.WriteUInt64(((ulong)message.WireVersion << 56) | ((ulong)message.Type << 48) | message.Xid);
        message.WriteBody(ref w);
        w.PatchLength(2, 0);
        return w.Position;
    }

    /// <summary>Encodes a message into a new array (convenience; the hot path uses the span overload).</summary>
    public static byte[] Encode(OfpMessage message)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(OfpConstants.MaxMessageLength);
        try
        {
            var n = Encode(message, buffer.AsSpan(0, OfpConstants.MaxMessageLength));
            return buffer.AsSpan(0, n).ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Decodes one complete message. The span must hold exactly one message: its header's length
    /// must equal the span's length. Any version is accepted for HELLO (so negotiation works);
    /// every other message must be OpenFlow 1.3.
    /// </summary>
    public static OfpMessage Decode(ReadOnlySpan<byte> frame)
    {
        var h = OfpHeader.Parse(frame);
        if (h.Length < OfpHeader.Size || h.Length != frame.Length)
        {
            throw OfpDecodeException.BadLen(2, $"header length {h.Length} but frame is {frame.Length} bytes");
        }

        if (h.Type != OfpType.Hello && h.Version != OfpConstants.Version)
        {
            throw OfpDecodeException.BadRequest(BadRequestCode.BadVersion, 0, $"version 0x{h.Version:x2} is not OpenFlow 1.3");
        }

        var r = new OfpReader(frame).Slice(frame.Length);
        r.Skip(OfpHeader.Size);
        OfpMessage m = h.Type switch
        {
            OfpType.Hello => Hello.Read(ref r, h),
            OfpType.Error => ErrorMessage.Read(ref r, h),
            OfpType.EchoRequest => EchoRequest.Read(ref r, h),
            OfpType.EchoReply => EchoReply.Read(ref r, h),
            OfpType.FeaturesRequest => FeaturesRequest.Read(ref r, h),
            OfpType.FeaturesReply => FeaturesReply.Read(ref r, h),
            OfpType.GetConfigRequest => GetConfigRequest.Read(ref r, h),
            OfpType.GetConfigReply => GetConfigReply.Read(ref r, h),
            OfpType.SetConfig => SetConfig.Read(ref r, h),
            OfpType.BarrierRequest => BarrierRequest.Read(ref r, h),
            OfpType.BarrierReply => BarrierReply.Read(ref r, h),
            OfpType.FlowMod => FlowMod.Read(ref r, h),
            OfpType.PacketIn => PacketIn.Read(ref r, h),
            OfpType.FlowRemoved => FlowRemoved.Read(ref r, h),
            OfpType.PortStatus => PortStatus.Read(ref r, h),
            OfpType.PacketOut => PacketOut.Read(ref r, h),
            OfpType.MultipartRequest => MultipartRequest.Read(ref r, h),
            OfpType.MultipartReply => MultipartReply.Read(ref r, h),
            OfpType.RoleRequest => RoleRequest.Read(ref r, h),
            OfpType.RoleReply => RoleReply.Read(ref r, h),
            OfpType.Experimenter => ExperimenterMessage.Read(ref r, h),
            OfpType.GroupMod => GroupMod.Read(ref r, h),
            OfpType.PortMod => PortMod.Read(ref r, h),
            OfpType.TableMod => TableMod.Read(ref r, h),
            OfpType.QueueGetConfigRequest => QueueGetConfigRequest.Read(ref r, h),
            OfpType.QueueGetConfigReply => QueueGetConfigReply.Read(ref r, h),
            OfpType.GetAsyncRequest => GetAsyncRequest.Read(ref r, h),
            OfpType.GetAsyncReply => GetAsyncReply.Read(ref r, h),
            OfpType.SetAsync => SetAsync.Read(ref r, h),
            OfpType.MeterMod => MeterMod.Read(ref r, h),
            _ => throw OfpDecodeException.BadRequest(BadRequestCode.BadType, 1, $"unknown message type {(byte)h.Type}"),
        };
        return m;
    }
}
