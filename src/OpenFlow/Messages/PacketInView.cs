using System.Buffers.Binary;
using OpenFlow.Protocol;

namespace OpenFlow.Messages;

/// <summary>
/// A PACKET_IN read in place: the fields of <see cref="PacketIn"/> with <see cref="Data"/> pointing
/// into the receive buffer, so answering a packet allocates nothing. Valid only while that buffer is
/// (during the handler call); copy <see cref="Data"/> to keep it.
/// </summary>
public readonly ref struct PacketInView
{
    /// <summary>Bytes before the frame when the match is exactly OXM in_port: header, fixed part, match, pad.</summary>
    public const int InPortOnlyDataOffset = 8 + 16 + 16 + 2;

    public PacketInView(uint xid, uint bufferId, ushort totalLen, PacketInReason reason, byte tableId, Cookie cookie, uint? inPort, ReadOnlySpan<byte> data)
    {
        Xid = xid;
        BufferId = bufferId;
        TotalLen = totalLen;
        Reason = reason;
        TableId = tableId;
        Cookie = cookie;
        InPort = inPort;
        Data = data;
    }

    public uint Xid { get; }

    public uint BufferId { get; }

    public ushort TotalLen { get; }

    public PacketInReason Reason { get; }

    public byte TableId { get; }

    public Cookie Cookie { get; }

    /// <summary>The OXM IN_PORT of the match, or null when the match has none.</summary>
    public uint? InPort { get; }

    /// <summary>The Ethernet frame (a prefix of it when the switch truncated it).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The view of a decoded message (its data stays owned by the message).</summary>
    public static PacketInView Of(PacketIn packetIn)
    {
        ArgumentNullException.ThrowIfNull(packetIn);
        return new(packetIn.Xid, packetIn.BufferId, packetIn.TotalLen, packetIn.Reason, packetIn.TableId, packetIn.Cookie, packetIn.InPort, packetIn.Data.Span);
    }

    /// <summary>
    /// Reads a whole OpenFlow 1.3 PACKET_IN frame whose match is exactly <c>in_port=N</c> (what OVS
    /// sends for a packet without tunnel or metadata fields). Anything else, including every malformed
    /// frame, returns false: the caller decodes it the ordinary way, which also produces the error.
    /// </summary>
    public static bool TryReadInPortOnly(ReadOnlySpan<byte> frame, out PacketInView view)
    {
        view = default;
        if (frame.Length < InPortOnlyDataOffset
            || frame[0] != OfpConstants.Version
            || frame[1] != (byte)OfpType.PacketIn
            || BinaryPrimitives.ReadUInt16BigEndian(frame[2..]) != frame.Length
            || BinaryPrimitives.ReadUInt64BigEndian(frame[24..]) != 0x0001_000c_8000_0004UL // OXM match, length 12, in_port, 4 bytes
            || BinaryPrimitives.ReadUInt32BigEndian(frame[36..]) != 0 // the match's padding
            || BinaryPrimitives.ReadUInt16BigEndian(frame[40..]) != 0)
        {
            return false;
        }

        view = new PacketInView(
            BinaryPrimitives.ReadUInt32BigEndian(frame[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(frame[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(frame[12..]),
            (PacketInReason)frame[14],
            frame[15],
            new Cookie(BinaryPrimitives.ReadUInt64BigEndian(frame[16..])),
            BinaryPrimitives.ReadUInt32BigEndian(frame[32..]),
            frame[InPortOnlyDataOffset..]);
        return true;
    }
}
