using System.Buffers.Binary;
using OpenFlow.Protocol;

namespace OpenFlow.Wire;

/// <summary>
/// Writes the two answers of a learning switch straight into an output buffer, without building
/// message objects: an OFPFC_ADD with match <c>in_port, eth_src, eth_dst</c> (in the canonical order) and one output action,
/// and a PACKET_OUT with one output action. The bytes equal what <see cref="MessageCodec"/> writes for
/// the same <see cref="Messages.FlowMod"/> and <see cref="Messages.PacketOut"/> (tested), so the
/// object model stays the reference and this is only the allocation-free path of the same messages.
/// </summary>
public static class InPlaceEncoder
{
    /// <summary>header 8, fixed part 40, match 32 (three OXMs, no padding), APPLY_ACTIONS 8 + output 16.</summary>
    public const int ForwardFlowAddLength = 8 + 40 + 32 + 24;

    private const int PacketOutFixedLength = 8 + 16 + 16;

    public static int PacketOutLength(int dataLength) => PacketOutFixedLength + dataLength;

    /// <summary>The reactive flow <c>in_port, eth_dst, eth_src -> output:outPort</c> (table, priority and timeouts given).</summary>
    public static void WriteForwardFlowAdd(
        Span<byte> destination,
        uint xid,
        Cookie cookie,
        byte tableId,
        ushort priority,
        ushort idleTimeout,
        ushort hardTimeout,
        uint bufferId,
        uint inPort,
        MacAddress ethDst,
        MacAddress ethSrc,
        uint outPort)
    {
        var d = destination[..ForwardFlowAddLength];
        Header(d, OfpType.FlowMod, ForwardFlowAddLength, xid);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], cookie.Value);
        BinaryPrimitives.WriteUInt64BigEndian(d[16..], 0); // cookie_mask
        d[24] = tableId;
        d[25] = 0; // OFPFC_ADD
        BinaryPrimitives.WriteUInt16BigEndian(d[26..], idleTimeout);
        BinaryPrimitives.WriteUInt16BigEndian(d[28..], hardTimeout);
        BinaryPrimitives.WriteUInt16BigEndian(d[30..], priority);
        BinaryPrimitives.WriteUInt32BigEndian(d[32..], bufferId);
        BinaryPrimitives.WriteUInt32BigEndian(d[36..], OfpPort.Any); // out_port
        BinaryPrimitives.WriteUInt32BigEndian(d[40..], OfpConstants.GroupAny); // out_group
        BinaryPrimitives.WriteUInt32BigEndian(d[44..], 0); // flags, pad

        // ofp_match: OXM, length 4 + 8 + 10 + 10 = 32, so no padding.
        BinaryPrimitives.WriteUInt32BigEndian(d[48..], 0x0001_0020);
        BinaryPrimitives.WriteUInt32BigEndian(d[52..], 0x8000_0004); // OFPXMT_OFB_IN_PORT, 4 bytes
        BinaryPrimitives.WriteUInt32BigEndian(d[56..], inPort);
        BinaryPrimitives.WriteUInt32BigEndian(d[60..], 0x8000_0806); // OFPXMT_OFB_ETH_SRC, 6 bytes (OVS's order: source first)
        ethSrc.Write(d[64..]);
        BinaryPrimitives.WriteUInt32BigEndian(d[70..], 0x8000_0606); // OFPXMT_OFB_ETH_DST, 6 bytes
        ethDst.Write(d[74..]);

        // OFPIT_APPLY_ACTIONS, length 24, pad 4, then the output action.
        BinaryPrimitives.WriteUInt32BigEndian(d[80..], 0x0004_0018);
        BinaryPrimitives.WriteUInt32BigEndian(d[84..], 0);
        Output(d[88..], outPort);
    }

    /// <summary>A PACKET_OUT sending <paramref name="data"/> (or the switch's buffer) out of <paramref name="outPort"/>.</summary>
    public static void WritePacketOut(Span<byte> destination, uint xid, uint bufferId, uint inPort, uint outPort, ReadOnlySpan<byte> data)
    {
        var length = PacketOutLength(data.Length);
        if (length > OfpConstants.MaxMessageLength)
        {
            throw new OfpEncodeException($"packet out of {length} bytes exceeds the 16-bit message length");
        }

        var d = destination[..length];
        Header(d, OfpType.PacketOut, length, xid);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], bufferId);
        BinaryPrimitives.WriteUInt32BigEndian(d[12..], inPort);
        BinaryPrimitives.WriteUInt64BigEndian(d[16..], 0x0010_0000_0000_0000UL); // actions_len 16, pad 6
        Output(d[24..], outPort);
        data.CopyTo(d[PacketOutFixedLength..]);
    }

    private static void Header(Span<byte> d, OfpType type, int length, uint xid)
    {
        d[0] = OfpConstants.Version;
        d[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], xid);
    }

    /// <summary>OFPAT_OUTPUT, length 16, port, max_len 0, pad 6.</summary>
    private static void Output(Span<byte> d, uint port)
    {
        BinaryPrimitives.WriteUInt32BigEndian(d, 0x0000_0010);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], port);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], 0);
    }
}
