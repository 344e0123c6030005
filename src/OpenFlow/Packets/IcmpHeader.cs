using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>
/// An ICMP or ICMPv6 header: type(1) | code(1) | checksum(2) | rest(4) (identifier and sequence for echo).
/// </summary>
public readonly record struct IcmpHeader(byte Type, byte Code, ushort Checksum, uint Rest)
{
    public const int Length = 8;
    public const byte EchoReply = 0;
    public const byte EchoRequest = 8;
    public const byte V6EchoRequest = 128;
    public const byte V6EchoReply = 129;

    public ushort Identifier => (ushort)(Rest >> 16);

    public ushort Sequence => (ushort)Rest;

    public static bool TryParse(ReadOnlySpan<byte> data, out IcmpHeader header)
    {
        header = default;
        if (data.Length < Length)
        {
            return false;
        }

        header = new IcmpHeader(data[0], data[1], BinaryPrimitives.ReadUInt16BigEndian(data[2..]), BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
        return true;
    }
}
