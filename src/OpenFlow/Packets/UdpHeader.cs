using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>A UDP header: src_port(2) | dst_port(2) | length(2) | checksum(2).</summary>
public readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, ushort Length, ushort Checksum)
{
    public const int HeaderLength = 8;

    public static bool TryParse(ReadOnlySpan<byte> data, out UdpHeader header)
    {
        header = default;
        if (data.Length < HeaderLength)
        {
            return false;
        }

        header = new UdpHeader(
            BinaryPrimitives.ReadUInt16BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[6..]));
        return header.Length >= HeaderLength;
    }
}
