namespace OpenFlow.Packets;

/// <summary>
/// What <see cref="PacketParser.TryParse"/> found in a frame: Ethernet (with VLAN tags), then ARP or
/// IPv4/IPv6, then TCP/UDP/SCTP ports or the ICMP header. Layers that are absent are null.
/// </summary>
public readonly record struct PacketInfo
{
    public EthernetHeader Ethernet { get; init; }

    public ArpPacket? Arp { get; init; }

    public Ipv4Header? Ipv4 { get; init; }

    public Ipv6Header? Ipv6 { get; init; }

    /// <summary>The L4 protocol (IPv4 protocol, or the IPv6 next header after extension headers).</summary>
    public byte? IpProtocol { get; init; }

    public TcpHeader? Tcp { get; init; }

    public UdpHeader? Udp { get; init; }

    /// <summary>ICMP (IPv4) or ICMPv6 header.</summary>
    public IcmpHeader? Icmp { get; init; }

    /// <summary>TCP, UDP or SCTP source port.</summary>
    public ushort? SourcePort { get; init; }

    /// <summary>TCP, UDP or SCTP destination port.</summary>
    public ushort? DestinationPort { get; init; }

    /// <summary>Offset of the L3 header in the frame.</summary>
    public int L3Offset { get; init; }

    /// <summary>Offset of the L4 header in the frame, or -1.</summary>
    public int L4Offset { get; init; }
}
