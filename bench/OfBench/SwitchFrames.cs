using System.Buffers.Binary;
using OpenFlow.Protocol;

namespace OfBench;

/// <summary>
/// The switch-side OpenFlow 1.3 bytes the emulator sends or inspects on its hot path, written by hand
/// so that a PACKET_IN costs a copy and four patches and an incoming message costs a header read.
/// Every other message the emulator sends (handshake and housekeeping replies) comes from the wire
/// library, <c>OpenFlow.Messages</c>; see <see cref="EmulatedSwitch"/>.
/// </summary>
/// <remarks>
/// PACKET_IN as sent (106 bytes):
/// <code>
///  0 header(8) version=4 type=10 length=106 xid=seq
///  8 buffer_id(4)=NO_BUFFER  12 total_len(2)=64  14 reason(1)=NO_MATCH  15 table_id(1)=0  16 cookie(8)=0
/// 24 ofp_match: type(2)=OXM length(2)=12  28 OXM IN_PORT 0x80000004  32 port(4)  36 pad(4)
/// 40 pad(2)
/// 42 frame(64): eth_dst(6) eth_src(6) type 0x0800 | IPv4(20) 10.0.0.1 -> 10.0.0.2 UDP | UDP(8) | payload(22):
///    magic(4) seq(4) zeros
/// </code>
/// Source MACs are <c>02:ss:ss:ii:ii:ii</c>: locally administered, switch index, MAC index.
/// </remarks>
internal static class SwitchFrames
{
    public const byte Version = 0x04;
    public const int HeaderSize = 8;
    public const int PacketInSize = 106;
    public const int FrameOffset = 42;
    public const int FrameSize = 64;
    public const int InPortOffset = 32;
    public const int DstMacOffset = FrameOffset;
    public const int SrcMacOffset = FrameOffset + 6;

    /// <summary>Offset of the magic and sequence number inside the Ethernet frame.</summary>
    public const int MagicInFrame = 14 + 20 + 8;
    public const uint Magic = 0x0FBE4C13;
    public const uint NoBuffer = 0xFFFFFFFF;

    public static byte[] PacketInTemplate()
    {
        var b = new byte[PacketInSize];
        b[0] = Version;
        b[1] = (byte)OfpType.PacketIn;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), PacketInSize);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), NoBuffer);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(12), FrameSize);
        b[14] = 0; // OFPR_NO_MATCH
        b[15] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(24), 1); // OFPMT_OXM
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(26), 12);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(28), 0x80000004); // OFB_IN_PORT, 4 bytes
        var f = b.AsSpan(FrameOffset);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f.Slice(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], FrameSize - 14);
        ip[8] = 64; // ttl
        ip[9] = 17; // udp
        ip[12] = 10; ip[15] = 1; // 10.0.0.1
        ip[16] = 10; ip[19] = 2; // 10.0.0.2
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], IpChecksum(ip));
        var udp = f.Slice(34, 8);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 6653);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 6653);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], FrameSize - 34);
        BinaryPrimitives.WriteUInt32BigEndian(f[MagicInFrame..], Magic);
        return b;
    }

    public static void WriteMac(Span<byte> dst, int switchIndex, int macIndex)
    {
        dst[0] = 0x02;
        dst[1] = (byte)(switchIndex >> 8);
        dst[2] = (byte)switchIndex;
        dst[3] = (byte)(macIndex >> 16);
        dst[4] = (byte)(macIndex >> 8);
        dst[5] = (byte)macIndex;
    }

    /// <summary>The MAC index of one of this switch's MACs, or -1 for any other address.</summary>
    public static int MacIndex(ReadOnlySpan<byte> mac, int switchIndex) =>
        mac[0] == 0x02 && mac[1] == (byte)(switchIndex >> 8) && mac[2] == (byte)switchIndex
            ? (mac[3] << 16) | (mac[4] << 8) | mac[5]
            : -1;

    /// <summary>
    /// The sequence number carried by a PACKET_OUT's data, if the data is one of our frames.
    /// PACKET_OUT: header(8) buffer_id(4) in_port(4) actions_len(2) pad(6) actions data.
    /// </summary>
    public static bool TryPacketOutSeq(ReadOnlySpan<byte> msg, out uint seq)
    {
        seq = 0;
        if (msg.Length < 24)
        {
            return false;
        }

        var data = 24 + BinaryPrimitives.ReadUInt16BigEndian(msg[16..]);
        if (msg.Length < data + MagicInFrame + 8
            || BinaryPrimitives.ReadUInt32BigEndian(msg[(data + MagicInFrame)..]) != Magic)
        {
            return false;
        }

        seq = BinaryPrimitives.ReadUInt32BigEndian(msg[(data + MagicInFrame + 4)..]);
        return true;
    }

    /// <summary>
    /// Whether a FLOW_MOD adds or modifies a flow, and the eth_src/eth_dst of its match (-1 when absent
    /// or not one of this switch's MACs). FLOW_MOD: header(8) cookie(8) cookie_mask(8) table_id(1)
    /// command(1) ... match at 48: type(2) length(2) OXMs.
    /// </summary>
    public static bool TryFlowModMacs(ReadOnlySpan<byte> msg, int switchIndex, out int src, out int dst)
    {
        src = -1;
        dst = -1;
        if (msg.Length < 56 || msg[25] > 2)
        {
            return false; // too short, or a DELETE
        }

        var end = 48 + BinaryPrimitives.ReadUInt16BigEndian(msg[50..]);
        if (end > msg.Length)
        {
            return false;
        }

        var p = 52;
        while (p + 4 <= end)
        {
            var h = BinaryPrimitives.ReadUInt32BigEndian(msg[p..]);
            var len = (int)(h & 0xFF);
            if (p + 4 + len > end)
            {
                break;
            }

            if (h >> 16 == 0x8000 && len >= 6)
            {
                var field = (h >> 9) & 0x7F;
                if (field == 3)
                {
                    dst = SwitchFrames.MacIndex(msg.Slice(p + 4, 6), switchIndex);
                    dst = dst < 0 ? -2 : dst;
                }
                else if (field == 4)
                {
                    src = SwitchFrames.MacIndex(msg.Slice(p + 4, 6), switchIndex);
                    src = src < 0 ? -2 : src;
                }
            }

            p += 4 + len;
        }

        return true;
    }

    private static ushort IpChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
