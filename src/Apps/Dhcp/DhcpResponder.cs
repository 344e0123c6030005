using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Apps.Model;
using OpenFlow;
using OpenFlow.Packets;

namespace Apps.Dhcp;

/// <summary>
/// Answers DHCPv4 for the store's ports: the frame a VM broadcast (or unicast to the virtual server on
/// renewal) arrives from br-tun's patch-int tagged with the host's local VLAN, which names the network;
/// the client MAC names the port. A DISCOVER gets an OFFER of the port's address; a REQUEST for that
/// address an ACK, for any other a NAK. Options: mask, broadcast, router and DNS when the network has
/// them, lease with T1/T2, interface MTU (26). A MAC the store does not know on this host, a spoofed
/// client MAC, or a frame that is not a well-formed DHCP client message gets no answer. Pure: no I/O,
/// no clock (leases are not tracked: the store's address is the lease).
/// </summary>
public sealed class DhcpResponder
{
    public const ushort ServerPort = 67;
    public const ushort ClientPort = 68;

    private readonly DhcpSettings _settings;

    public DhcpResponder(DhcpSettings? settings = null)
    {
        _settings = settings ?? new DhcpSettings();
    }

    public DhcpSettings Settings => _settings;

    /// <summary>
    /// The virtual DHCP server's address in <paramref name="network"/>: the prefix's last usable address,
    /// unless a port holds it (then the network gets no DHCP, and no ARP answer for it).
    /// </summary>
    public static IPAddress? ServerAddress(NetworkSnapshot state, NetworkInfo network)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(network);
        if (network.Subnet is not { BaseAddress.AddressFamily: AddressFamily.InterNetwork, PrefixLength: <= 30 } subnet)
        {
            return null;
        }

        var server = ToIp(Broadcast(subnet) - 1);
        foreach (var p in state.Ports)
        {
            if (p.NetworkId == network.Id && server.Equals(p.Ip))
            {
                return null;
            }
        }

        return network.Gateway is { } gw && gw.Equals(server) ? null : server;
    }

    /// <summary>Decides on one frame received from host <paramref name="self"/>'s br-int.</summary>
    /// <param name="mtu">The network's MTU for option 26, or null to leave it out.</param>
    public DhcpAnswer Answer(NetworkSnapshot state, HostInfo self, ReadOnlySpan<byte> frame, Func<NetworkInfo, int?>? mtu = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(self);
        if (!PacketParser.TryParse(frame, out var info) || info.Ethernet.OuterTag is not { } tag || info.Ethernet.InnerTag is not null
            || info.Ipv4 is null || info.Udp is not { SourcePort: ClientPort, DestinationPort: ServerPort } udp
            || info.L4Offset < 0 || udp.Length < UdpHeader.HeaderLength || info.L4Offset + udp.Length > frame.Length
            || !DhcpMessage.TryParse(frame.Slice(info.L4Offset + UdpHeader.HeaderLength, udp.Length - UdpHeader.HeaderLength), out var request)
            || request.Op != DhcpMessage.BootRequest || request.MessageType is not { } type)
        {
            return new DhcpAnswer(DhcpOutcome.Malformed);
        }

        var network = FindNetwork(state, self, tag.Vid);
        if (network is null)
        {
            return new DhcpAnswer(DhcpOutcome.UnknownNetwork);
        }

        if (request.ClientMac != info.Ethernet.Source)
        {
            return new DhcpAnswer(DhcpOutcome.UnknownClient);
        }

        var port = state.Ports.FirstOrDefault(p => p.NetworkId == network.Id && p.HostId == self.Id && p.Mac == request.ClientMac.Value);
        if (port is null)
        {
            return new DhcpAnswer(DhcpOutcome.UnknownClient);
        }

        var server = ServerAddress(state, network);
        if (port.Ip is not { AddressFamily: AddressFamily.InterNetwork } ip || server is null || network.Subnet is not { } subnet || !subnet.Contains(ip))
        {
            return new DhcpAnswer(DhcpOutcome.NoAddress, PortId: port.Id);
        }

        var yiaddr = ToUInt32(ip);
        var serverIp = ToUInt32(server);
        DhcpOutcome outcome;
        switch (type)
        {
            case DhcpMessageType.Discover:
                outcome = DhcpOutcome.Offer;
                break;
            case DhcpMessageType.Request:
                if (request.ServerIdentifier is { } chosen && chosen != serverIp)
                {
                    return new DhcpAnswer(DhcpOutcome.Ignored, PortId: port.Id);
                }

                var asked = request.RequestedIp ?? request.ClientIp;
                outcome = asked == yiaddr ? DhcpOutcome.Ack : DhcpOutcome.Nak;
                break;
            case DhcpMessageType.Inform:
                outcome = DhcpOutcome.Ack;
                break;
            default:
                return new DhcpAnswer(DhcpOutcome.Ignored, PortId: port.Id);
        }

        var reply = Reply(request, type, outcome, network, subnet, yiaddr, serverIp, mtu?.Invoke(network));
        return new DhcpAnswer(outcome, Frame(request, outcome, reply, yiaddr, serverIp, tag), port.Id);
    }

    private static NetworkInfo? FindNetwork(NetworkSnapshot state, HostInfo self, ushort vlan)
    {
        foreach (var v in state.LocalVlans)
        {
            if (v.HostId == self.Id && v.Vlan == vlan)
            {
                return state.Networks.FirstOrDefault(n => n.Id == v.NetworkId);
            }
        }

        return null;
    }

    private DhcpMessage Reply(DhcpMessage request, DhcpMessageType type, DhcpOutcome outcome, NetworkInfo network, IPNetwork subnet, uint yiaddr, uint serverIp, int? mtu)
    {
        var options = ImmutableArray.CreateBuilder<(byte, ImmutableArray<byte>)>();
        var replyType = outcome switch
        {
            DhcpOutcome.Offer => DhcpMessageType.Offer,
            DhcpOutcome.Nak => DhcpMessageType.Nak,
            _ => DhcpMessageType.Ack,
        };
        options.Add((DhcpOption.MessageType, [(byte)replyType]));
        options.Add((DhcpOption.ServerIdentifier, U32(serverIp)));
        if (outcome != DhcpOutcome.Nak)
        {
            if (type != DhcpMessageType.Inform)
            {
                var lease = (uint)Math.Clamp(_settings.LeaseTime.TotalSeconds, 60, uint.MaxValue - 1);
                options.Add((DhcpOption.LeaseTime, U32(lease)));
                options.Add((DhcpOption.RenewalTime, U32(lease / 2)));
                options.Add((DhcpOption.RebindingTime, U32((uint)(lease * 7UL / 8))));
            }

            options.Add((DhcpOption.SubnetMask, U32(Mask(subnet.PrefixLength))));
            options.Add((DhcpOption.BroadcastAddress, U32(Broadcast(subnet))));
            if (network.Gateway is { AddressFamily: AddressFamily.InterNetwork } gw)
            {
                options.Add((DhcpOption.Router, U32(ToUInt32(gw))));
            }

            var dns = network.DnsServers.Where(d => d.AddressFamily == AddressFamily.InterNetwork).Take(8).ToList();
            if (dns.Count != 0)
            {
                options.Add((DhcpOption.DomainNameServer, [.. dns.SelectMany(d => U32(ToUInt32(d)))]));
            }

            if (mtu is >= 68 and <= ushort.MaxValue)
            {
                options.Add((DhcpOption.InterfaceMtu, [(byte)(mtu.Value >> 8), (byte)mtu.Value]));
            }
        }

        return new DhcpMessage
        {
            Op = DhcpMessage.BootReply,
            TransactionId = request.TransactionId,
            Flags = request.Flags,
            ClientIp = type == DhcpMessageType.Inform ? request.ClientIp : 0,
            YourIp = outcome == DhcpOutcome.Nak || type == DhcpMessageType.Inform ? 0 : yiaddr,
            RelayIp = request.RelayIp,
            ClientMac = request.ClientMac,
            Options = options.ToImmutable(),
        };
    }

    // RFC 2131 4.1: to ciaddr when the client has one; NAKs and clients that ask for it broadcast;
    // otherwise unicast to the offered address at the client's MAC.
    private byte[] Frame(DhcpMessage request, DhcpOutcome outcome, DhcpMessage reply, uint yiaddr, uint serverIp, VlanTag tag)
    {
        var broadcast = outcome == DhcpOutcome.Nak || (request.ClientIp == 0 && (request.Flags & DhcpMessage.BroadcastFlag) != 0);
        var (mac, ip) = broadcast ? (MacAddress.Broadcast, 0xffff_ffffu)
            : request.ClientIp != 0 ? (request.ClientMac, request.ClientIp)
            : (request.ClientMac, yiaddr);
        return PacketBuilder.Udp(mac, _settings.ServerMac, serverIp, ip, ServerPort, ClientPort, reply.ToBytes(), tag: tag);
    }

    private static ImmutableArray<byte> U32(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static uint Broadcast(IPNetwork subnet) => ToUInt32(subnet.BaseAddress) | ~Mask(subnet.PrefixLength);

    private static uint ToUInt32(IPAddress a) => BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    private static IPAddress ToIp(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
