using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>
/// Parses frames from PACKET_IN. Never throws on packet content: malformed input makes
/// <see cref="TryParse"/> return false.
/// </summary>
public static class PacketParser
{
    private const int MaxIpv6ExtensionHeaders = 8;

    /// <summary>
    /// Parses every layer it knows. Returns false when the Ethernet header is short, or when a header
    /// promised by the EtherType / IP protocol is missing or malformed (also when the switch cut the
    /// packet short before it: use <see cref="EthernetHeader.TryParse"/> alone when L2 is enough).
    /// IPv4 later fragments and unknown protocols parse with no L4 layer.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out PacketInfo info)
    {
        info = default;
        if (!EthernetHeader.TryParse(frame, out var eth))
        {
            return false;
        }

        var l3 = eth.Length;
        var payload = frame[l3..];
        var result = new PacketInfo { Ethernet = eth, L3Offset = l3, L4Offset = -1 };
        switch (eth.EtherType)
        {
            case EtherType.Arp:
                if (!ArpPacket.TryParse(payload, out var arp))
                {
                    return false;
                }

                info = result with { Arp = arp };
                return true;

            case EtherType.Ipv4:
                if (!Ipv4Header.TryParse(payload, out var v4))
                {
                    return false;
                }

                result = result with { Ipv4 = v4, IpProtocol = v4.Protocol };
                if (v4.IsLaterFragment)
                {
                    info = result;
                    return true;
                }

                return TryParseL4(frame, l3 + v4.HeaderLength, v4.Protocol, false, result, out info);

            case EtherType.Ipv6:
                if (!Ipv6Header.TryParse(payload, out var v6))
                {
                    return false;
                }

                var next = v6.NextHeader;
                var pos = l3 + Ipv6Header.Length;
                for (var i = 0; ; i++)
                {
                    if (next is IpProtocol.HopByHop or IpProtocol.Ipv6Routing or IpProtocol.Ipv6DestinationOptions)
                    {
                        if (i >= MaxIpv6ExtensionHeaders || frame.Length < pos + 2)
                        {
                            return false;
                        }

                        var n = frame[pos];
                        pos += (frame[pos + 1] + 1) * 8;
                        next = n;
                        continue;
                    }

                    if (next == IpProtocol.Ipv6Fragment)
                    {
                        if (i >= MaxIpv6ExtensionHeaders || frame.Length < pos + 8)
                        {
                            return false;
                        }

                        var n = frame[pos];
                        var offset = BinaryPrimitives.ReadUInt16BigEndian(frame[(pos + 2)..]) >> 3;
                        pos += 8;
                        next = n;
                        if (offset != 0)
                        {
                            info = result with { Ipv6 = v6, IpProtocol = next };
                            return true;
                        }

                        continue;
                    }

                    break;
                }

                if (pos > frame.Length)
                {
                    return false;
                }

                return TryParseL4(frame, pos, next, true, result with { Ipv6 = v6, IpProtocol = next }, out info);

            default:
                info = result;
                return true;
        }
    }

    private static bool TryParseL4(ReadOnlySpan<byte> frame, int l4, byte protocol, bool v6, PacketInfo result, out PacketInfo info)
    {
        info = default;
        if (l4 > frame.Length)
        {
            return false;
        }

        var data = frame[l4..];
        result = result with { L4Offset = l4 };
        switch (protocol)
        {
            case IpProtocol.Tcp:
                if (!TcpHeader.TryParse(data, out var tcp))
                {
                    return false;
                }

                info = result with { Tcp = tcp, SourcePort = tcp.SourcePort, DestinationPort = tcp.DestinationPort };
                return true;

            case IpProtocol.Udp:
                if (!UdpHeader.TryParse(data, out var udp))
                {
                    return false;
                }

                info = result with { Udp = udp, SourcePort = udp.SourcePort, DestinationPort = udp.DestinationPort };
                return true;

            case IpProtocol.Sctp:
                if (data.Length < 12)
                {
                    return false;
                }

                info = result with { SourcePort = BinaryPrimitives.ReadUInt16BigEndian(data), DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(data[2..]) };
                return true;

            case IpProtocol.Icmp when !v6:
            case IpProtocol.Icmpv6 when v6:
                if (!IcmpHeader.TryParse(data, out var icmp))
                {
                    return false;
                }

                info = result with { Icmp = icmp };
                return true;

            default:
                info = result with { L4Offset = -1 };
                return true;
        }
    }
}
