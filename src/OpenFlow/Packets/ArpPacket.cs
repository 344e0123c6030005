using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>An ARP packet for IPv4 over Ethernet (RFC 826); addresses are big-endian uints.</summary>
/// <remarks>
/// <code>
/// htype(2)=1 | ptype(2)=0x0800 | hlen(1)=6 | plen(1)=4 | oper(2) | sha(6) | spa(4) | tha(6) | tpa(4)  = 28 bytes
/// </code>
/// </remarks>
public readonly record struct ArpPacket(ushort Operation, MacAddress SenderMac, uint SenderIp, MacAddress TargetMac, uint TargetIp)
{
    public const int Length = 28;
    public const ushort Request = 1;
    public const ushort Reply = 2;

    public static bool TryParse(ReadOnlySpan<byte> data, out ArpPacket arp)
    {
        arp = default;
        if (data.Length < Length
            || BinaryPrimitives.ReadUInt16BigEndian(data) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != EtherType.Ipv4
            || data[4] != 6 || data[5] != 4)
        {
            return false;
        }

        arp = new ArpPacket(
            BinaryPrimitives.ReadUInt16BigEndian(data[6..]),
            MacAddress.Read(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[14..]),
            MacAddress.Read(data[18..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[24..]));
        return true;
    }

    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, 1);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], EtherType.Ipv4);
        destination[4] = 6;
        destination[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Operation);
        SenderMac.Write(destination[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[14..], SenderIp);
        TargetMac.Write(destination[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], TargetIp);
        return true;
    }
}
