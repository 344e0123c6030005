using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>
/// The fixed part of a TCP header: src_port(2) | dst_port(2) | seq(4) | ack(4) | data_offset(4) rsv(3)
/// flags(9) | window(2) | checksum(2) | urgent(2). Options are skipped.
/// </summary>
public readonly record struct TcpHeader(ushort SourcePort, ushort DestinationPort, uint Sequence, uint Acknowledgment, int HeaderLength, ushort Flags, ushort Window, ushort Checksum, ushort Urgent)
{
    public const int MinLength = 20;
    public const ushort Fin = 0x01;
    public const ushort Syn = 0x02;
    public const ushort Rst = 0x04;
    public const ushort Psh = 0x08;
    public const ushort Ack = 0x10;

    public static bool TryParse(ReadOnlySpan<byte> data, out TcpHeader header)
    {
        header = default;
        if (data.Length < MinLength)
        {
            return false;
        }

        var offsetFlags = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        var hlen = (offsetFlags >> 12) * 4;
        if (hlen < MinLength)
        {
            return false;
        }

        header = new TcpHeader(
            BinaryPrimitives.ReadUInt16BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            hlen,
            (ushort)(offsetFlags & 0x1ff),
            BinaryPrimitives.ReadUInt16BigEndian(data[14..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[18..]));
        return true;
    }
}
