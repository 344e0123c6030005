using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>
/// Builds whole frames (for PACKET_OUT and tests): ARP request/reply, ICMP echo, UDP and TCP over
/// IPv4, UDP over IPv6, with correct IPv4 header and L4 checksums. Frames are not padded to 60 bytes.
/// </summary>
public static class PacketBuilder
{
    public static byte[] Ethernet(MacAddress destination, MacAddress source, ushort etherType, ReadOnlySpan<byte> payload, VlanTag? tag = null)
    {
        var eth = new EthernetHeader(destination, source, etherType, tag);
        var frame = new byte[eth.Length + payload.Length];
        eth.TryWrite(frame, out var n);
        payload.CopyTo(frame.AsSpan(n));
        return frame;
    }

    /// <summary>Who has <paramref name="targetIp"/>? Broadcast, target MAC zero.</summary>
    public static byte[] ArpRequest(MacAddress senderMac, uint senderIp, uint targetIp, VlanTag? tag = null)
    {
        Span<byte> arp = stackalloc byte[ArpPacket.Length];
        new ArpPacket(ArpPacket.Request, senderMac, senderIp, MacAddress.Zero, targetIp).TryWrite(arp);
        return Ethernet(MacAddress.Broadcast, senderMac, EtherType.Arp, arp, tag);
    }

    /// <summary><paramref name="senderIp"/> is at <paramref name="senderMac"/>, sent to the asker.</summary>
    public static byte[] ArpReply(MacAddress senderMac, uint senderIp, MacAddress targetMac, uint targetIp, VlanTag? tag = null)
    {
        Span<byte> arp = stackalloc byte[ArpPacket.Length];
        new ArpPacket(ArpPacket.Reply, senderMac, senderIp, targetMac, targetIp).TryWrite(arp);
        return Ethernet(targetMac, senderMac, EtherType.Arp, arp, tag);
    }

    /// <summary>An IPv4 packet around <paramref name="l4"/> (already complete, checksums included).</summary>
    public static byte[] Ipv4(MacAddress destination, MacAddress source, uint sourceIp, uint destinationIp, byte protocol, ReadOnlySpan<byte> l4, byte ttl = 64, ushort identification = 0, VlanTag? tag = null)
    {
        var ip = new byte[Ipv4Header.MinLength + l4.Length];
        new Ipv4Header(0, 0, (ushort)ip.Length, identification, 0, 0, ttl, protocol, 0, sourceIp, destinationIp).TryWrite(ip);
        l4.CopyTo(ip.AsSpan(Ipv4Header.MinLength));
        return Ethernet(destination, source, EtherType.Ipv4, ip, tag);
    }

    /// <summary>ICMP echo request (type 8) or reply (type 0).</summary>
    public static byte[] IcmpEcho(MacAddress destination, MacAddress source, uint sourceIp, uint destinationIp, bool request, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte ttl = 64, VlanTag? tag = null)
    {
        var icmp = new byte[IcmpHeader.Length + payload.Length];
        icmp[0] = request ? IcmpHeader.EchoRequest : IcmpHeader.EchoReply;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        payload.CopyTo(icmp.AsSpan(IcmpHeader.Length));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), InternetChecksum.Compute(icmp));
        return Ipv4(destination, source, sourceIp, destinationIp, IpProtocol.Icmp, icmp, ttl, 0, tag);
    }

    public static byte[] Udp(MacAddress destination, MacAddress source, uint sourceIp, uint destinationIp, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, byte ttl = 64, VlanTag? tag = null)
    {
        var udp = UdpSegment(sourcePort, destinationPort, payload);
        var sum = InternetChecksum.PseudoHeaderV4(sourceIp, destinationIp, IpProtocol.Udp, udp.Length);
        WriteL4Checksum(udp, 6, sum);
        return Ipv4(destination, source, sourceIp, destinationIp, IpProtocol.Udp, udp, ttl, 0, tag);
    }

    public static byte[] Udp6(MacAddress destination, MacAddress source, UInt128 sourceIp, UInt128 destinationIp, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, byte hopLimit = 64, VlanTag? tag = null)
    {
        var udp = UdpSegment(sourcePort, destinationPort, payload);
        WriteL4Checksum(udp, 6, InternetChecksum.PseudoHeaderV6(sourceIp, destinationIp, IpProtocol.Udp, udp.Length));
        var ip = new byte[Ipv6Header.Length + udp.Length];
        new Ipv6Header(0, 0, (ushort)udp.Length, IpProtocol.Udp, hopLimit, sourceIp, destinationIp).TryWrite(ip);
        udp.CopyTo(ip.AsSpan(Ipv6Header.Length));
        return Ethernet(destination, source, EtherType.Ipv6, ip, tag);
    }

    public static byte[] Tcp(MacAddress destination, MacAddress source, uint sourceIp, uint destinationIp, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment, ushort flags, ushort window, ReadOnlySpan<byte> payload, byte ttl = 64, VlanTag? tag = null)
    {
        var tcp = new byte[TcpHeader.MinLength + payload.Length];
        var s = tcp.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(s, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], acknowledgment);
        BinaryPrimitives.WriteUInt16BigEndian(s[12..], (ushort)((5 << 12) | (flags & 0x1ff)));
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], window);
        payload.CopyTo(s[TcpHeader.MinLength..]);
        WriteL4Checksum(tcp, 16, InternetChecksum.PseudoHeaderV4(sourceIp, destinationIp, IpProtocol.Tcp, tcp.Length));
        return Ipv4(destination, source, sourceIp, destinationIp, IpProtocol.Tcp, tcp, ttl, 0, tag);
    }

    private static byte[] UdpSegment(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var udp = new byte[UdpHeader.HeaderLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp.AsSpan(UdpHeader.HeaderLength));
        return udp;
    }

    private static void WriteL4Checksum(byte[] segment, int at, uint pseudo)
    {
        var c = InternetChecksum.Finish(InternetChecksum.Add(pseudo, segment));
        if (c == 0 && at == 6)
        {
            // UDP: a computed zero is sent as all ones (zero means "no checksum").
            c = 0xffff;
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(at), c);
    }
}
