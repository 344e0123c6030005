using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>The fixed IPv6 header (RFC 8200); addresses as big-endian <see cref="UInt128"/>.</summary>
/// <remarks>
/// <code>
/// ver(4)=6 | traffic_class(8) | flow_label(20) | payload_length(2) | next_header(1) | hop_limit(1) | src(16) | dst(16)
/// </code>
/// </remarks>
public readonly record struct Ipv6Header(byte TrafficClass, uint FlowLabel, ushort PayloadLength, byte NextHeader, byte HopLimit, UInt128 Source, UInt128 Destination)
{
    public const int Length = 40;

    public static bool TryParse(ReadOnlySpan<byte> data, out Ipv6Header header)
    {
        header = default;
        if (data.Length < Length || (data[0] >> 4) != 6)
        {
            return false;
        }

        var first = BinaryPrimitives.ReadUInt32BigEndian(data);
        header = new Ipv6Header(
            (byte)(first >> 20),
            first & 0xfffff,
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            data[6],
            data[7],
            BinaryPrimitives.ReadUInt128BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt128BigEndian(data[24..]));
        return true;
    }

    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, (6u << 28) | ((uint)TrafficClass << 20) | (FlowLabel & 0xfffff));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], PayloadLength);
        destination[6] = NextHeader;
        destination[7] = HopLimit;
        BinaryPrimitives.WriteUInt128BigEndian(destination[8..], Source);
        BinaryPrimitives.WriteUInt128BigEndian(destination[24..], Destination);
        return true;
    }
}
