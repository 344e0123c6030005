using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using Apps.Dhcp;
using Apps.Model;
using OpenFlow;
using OpenFlow.Packets;
using static Apps.Tests.Topology;

namespace Apps.Tests.Dhcp;

/// <summary>The DHCP responder answers exactly the store's ports, per network, and nothing else.</summary>
public sealed class DhcpResponderTests
{
    private static readonly IPAddress IpA1 = IPAddress.Parse("10.1.0.11");
    private static readonly IPAddress IpB1 = IPAddress.Parse("10.1.0.11"); // tenant B reuses tenant A's plan

    private static readonly DhcpResponder Responder = new(new DhcpSettings { LeaseTime = TimeSpan.FromHours(1) });

    /// <summary>Tenant A and B both 10.1.0.0/24; A has a gateway and DNS; a1 and b1 live on h1 (VLANs 1 and 2).</summary>
    private static NetworkSnapshot State()
    {
        var s = ThreeHosts();
        return s with
        {
            Networks = [.. s.Networks.Select(n => n.Id switch
            {
                "net-a" => n with { Subnet = IPNetwork.Parse("10.1.0.0/24"), Gateway = IPAddress.Parse("10.1.0.1"), DnsServers = [IPAddress.Parse("10.1.0.53"), IPAddress.Parse("9.9.9.9")] },
                "net-b" => n with { Subnet = IPNetwork.Parse("10.1.0.0/24") },
                _ => n,
            })],
            Ports = [.. s.Ports.Select(p => p.Id switch
            {
                "a1" => p with { Ip = IpA1 },
                "b1" => p with { Ip = IpB1 },
                "a2" => p with { Ip = IPAddress.Parse("10.1.0.12") },
                _ => p,
            })],
        };
    }

    private static HostInfo H1 => State().Hosts[0];

    private static byte[] ClientFrame(DhcpMessageType type, MacAddress mac, ushort vlan, uint ciaddr = 0, IPAddress? requested = null, IPAddress? server = null, bool broadcastFlag = false, MacAddress? frameSource = null, uint xid = 0x1234abcd)
    {
        var options = new List<(byte, ImmutableArray<byte>)> { (DhcpOption.MessageType, [(byte)type]) };
        if (requested is not null)
        {
            options.Add((DhcpOption.RequestedIpAddress, [.. requested.GetAddressBytes()]));
        }

        if (server is not null)
        {
            options.Add((DhcpOption.ServerIdentifier, [.. server.GetAddressBytes()]));
        }

        options.Add((DhcpOption.ParameterRequestList, [1, 3, 6, 26, 28, 51]));
        var msg = new DhcpMessage
        {
            Op = DhcpMessage.BootRequest,
            TransactionId = xid,
            Flags = broadcastFlag ? DhcpMessage.BroadcastFlag : (ushort)0,
            ClientIp = ciaddr,
            ClientMac = mac,
            Options = [.. options],
        };
        var dst = ciaddr == 0 ? MacAddress.Broadcast : Responder.Settings.ServerMac;
        var dstIp = ciaddr == 0 ? 0xffff_ffffu : 0x0a0100feu;
        return PacketBuilder.Udp(dst, frameSource ?? mac, ciaddr, dstIp, 68, 67, msg.ToBytes(), tag: VlanTag.Dot1Q(vlan));
    }

    private static (PacketInfo Info, DhcpMessage Message) ParseReply(byte[] frame)
    {
        Assert.That(PacketParser.TryParse(frame, out var info), Is.True);
        var udp = info.Udp!.Value;
        Assert.That(DhcpMessage.TryParse(frame.AsSpan(info.L4Offset + 8, udp.Length - 8), out var m), Is.True);
        return (info, m);
    }

    private static uint U32(ImmutableArray<byte>? v) => BinaryPrimitives.ReadUInt32BigEndian(v!.Value.AsSpan());

    private static uint Ip(string s) => BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(s).GetAddressBytes());

    [Test]
    public void Discover_GetsAnOfferOfThePortsAddress_WithEveryNetworkOption()
    {
        var answer = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Discover, A1, vlan: 1), _ => 1450);

        Assert.That(answer.Outcome, Is.EqualTo(DhcpOutcome.Offer));
        var (info, m) = ParseReply(answer.Frame!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer.PortId, Is.EqualTo("a1"));
            Assert.That(info.Ethernet.OuterTag!.Value.Vid, Is.EqualTo((ushort)1), "back on the requester's local VLAN");
            Assert.That(info.Ethernet.Destination, Is.EqualTo(A1), "unicast to the client MAC (no broadcast flag)");
            Assert.That(info.Ethernet.Source, Is.EqualTo(Responder.Settings.ServerMac));
            Assert.That(info.Ipv4!.Value.Source, Is.EqualTo(Ip("10.1.0.254")), "the virtual server: the prefix's last usable address");
            Assert.That(info.Ipv4!.Value.Destination, Is.EqualTo(Ip("10.1.0.11")));
            Assert.That(info.Udp!.Value.SourcePort, Is.EqualTo((ushort)67));
            Assert.That(info.Udp!.Value.DestinationPort, Is.EqualTo((ushort)68));
            Assert.That(m.Op, Is.EqualTo(DhcpMessage.BootReply));
            Assert.That(m.TransactionId, Is.EqualTo(0x1234abcdu));
            Assert.That(m.YourIp, Is.EqualTo(Ip("10.1.0.11")));
            Assert.That(m.ClientMac, Is.EqualTo(A1));
            Assert.That(m.MessageType, Is.EqualTo(DhcpMessageType.Offer));
            Assert.That(m.ServerIdentifier, Is.EqualTo(Ip("10.1.0.254")));
            Assert.That(U32(m.FindOption(DhcpOption.SubnetMask)), Is.EqualTo(0xffffff00u));
            Assert.That(U32(m.FindOption(DhcpOption.BroadcastAddress)), Is.EqualTo(Ip("10.1.0.255")));
            Assert.That(U32(m.FindOption(DhcpOption.Router)), Is.EqualTo(Ip("10.1.0.1")));
            Assert.That(m.FindOption(DhcpOption.DomainNameServer)!.Value, Is.EqualTo(new byte[] { 10, 1, 0, 53, 9, 9, 9, 9 }));
            Assert.That(U32(m.FindOption(DhcpOption.LeaseTime)), Is.EqualTo(3600u));
            Assert.That(U32(m.FindOption(DhcpOption.RenewalTime)), Is.EqualTo(1800u));
            Assert.That(U32(m.FindOption(DhcpOption.RebindingTime)), Is.EqualTo(3150u));
            Assert.That(m.FindOption(DhcpOption.InterfaceMtu)!.Value, Is.EqualTo(new byte[] { 0x05, 0xaa }), "MTU 1450");
        }
    }

    [Test]
    public void Request_ForThePortsAddress_IsAcked_ForAnotherAddress_Naked()
    {
        var server = IPAddress.Parse("10.1.0.254");
        var ack = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Request, A1, 1, requested: IpA1, server: server));
        var nak = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Request, A1, 1, requested: IPAddress.Parse("10.1.0.99"), server: server));
        var otherServer = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Request, A1, 1, requested: IpA1, server: IPAddress.Parse("10.1.0.2")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ack.Outcome, Is.EqualTo(DhcpOutcome.Ack));
            Assert.That(ParseReply(ack.Frame!).Message.YourIp, Is.EqualTo(Ip("10.1.0.11")));
            Assert.That(nak.Outcome, Is.EqualTo(DhcpOutcome.Nak));
            Assert.That(ParseReply(nak.Frame!).Message.YourIp, Is.Zero);
            Assert.That(ParseReply(nak.Frame!).Info.Ethernet.Destination, Is.EqualTo(MacAddress.Broadcast), "NAKs are broadcast");
            Assert.That(otherServer.Outcome, Is.EqualTo(DhcpOutcome.Ignored), "the client chose another server");
            Assert.That(otherServer.Frame, Is.Null);
        }
    }

    [Test]
    public void Renewal_WithCiaddr_IsAckedUnicastToTheClient()
    {
        var answer = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Request, A1, 1, ciaddr: Ip("10.1.0.11")));

        var (info, m) = ParseReply(answer.Frame!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer.Outcome, Is.EqualTo(DhcpOutcome.Ack));
            Assert.That(info.Ipv4!.Value.Destination, Is.EqualTo(Ip("10.1.0.11")));
            Assert.That(info.Ethernet.Destination, Is.EqualTo(A1));
            Assert.That(m.YourIp, Is.EqualTo(Ip("10.1.0.11")));
        }
    }

    [Test]
    public void BroadcastFlag_IsHonoured()
    {
        var answer = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Discover, A1, 1, broadcastFlag: true));

        var (info, _) = ParseReply(answer.Frame!);
        Assert.That((info.Ethernet.Destination, info.Ipv4!.Value.Destination), Is.EqualTo((MacAddress.Broadcast, 0xffffffffu)));
    }

    [Test]
    public void OverlappingTenants_EachPortGetsItsOwnNetworksOptions()
    {
        var a = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Discover, A1, vlan: 1));
        var b = Responder.Answer(State(), H1, ClientFrame(DhcpMessageType.Discover, B1, vlan: 2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((a.PortId, b.PortId), Is.EqualTo(("a1", "b1")));
            Assert.That(ParseReply(a.Frame!).Message.FindOption(DhcpOption.Router), Is.Not.Null);
            Assert.That(ParseReply(b.Frame!).Message.FindOption(DhcpOption.Router), Is.Null, "tenant B has no gateway");
            Assert.That(ParseReply(b.Frame!).Info.Ethernet.OuterTag!.Value.Vid, Is.EqualTo((ushort)2));
        }
    }

    [Test]
    public void NoAnswer_ForUnknownMacs_SpoofedMacs_OtherTenantsMacs_OtherHostsPorts_AndUnknownVlans()
    {
        var unknownMac = MacAddress.Parse("02:99:00:00:00:01");
        var cases = new (string What, byte[] Frame, DhcpOutcome Expected)[]
        {
            ("MAC the store does not know", ClientFrame(DhcpMessageType.Discover, unknownMac, 1), DhcpOutcome.UnknownClient),
            ("client MAC is a1's but the frame comes from another MAC", ClientFrame(DhcpMessageType.Discover, A1, 1, frameSource: unknownMac), DhcpOutcome.UnknownClient),
            ("tenant B's VLAN asking for tenant A's MAC", ClientFrame(DhcpMessageType.Discover, A1, 2), DhcpOutcome.UnknownClient),
            ("a2 lives on h2, not h1", ClientFrame(DhcpMessageType.Discover, A2, 1), DhcpOutcome.UnknownClient),
            ("VLAN 44 is no network on h1", ClientFrame(DhcpMessageType.Discover, A1, 44), DhcpOutcome.UnknownNetwork),
            ("c1 has no address (and net-c no prefix)", ClientFrame(DhcpMessageType.Discover, C1, 3), DhcpOutcome.NoAddress),
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var (what, frame, expected) in cases)
            {
                var answer = Responder.Answer(State(), H1, frame);
                Assert.That(answer.Outcome, Is.EqualTo(expected), what);
                Assert.That(answer.Frame, Is.Null, what);
            }
        }
    }

    [Test]
    public void ServerAddress_IsWithdrawn_WhenAPortHoldsIt()
    {
        var state = State();
        state = state with { Ports = state.Ports.Add(new PortInfo("a9", "net-a", "h1", 0x02_00_00_00_00_09, IPAddress.Parse("10.1.0.254"), "tap-a9")) };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(DhcpResponder.ServerAddress(State(), State().Networks[0]), Is.EqualTo(IPAddress.Parse("10.1.0.254")));
            Assert.That(DhcpResponder.ServerAddress(state, state.Networks[0]), Is.Null);
            Assert.That(Responder.Answer(state, H1, ClientFrame(DhcpMessageType.Discover, A1, 1)).Outcome, Is.EqualTo(DhcpOutcome.NoAddress));
        }
    }

    [Test]
    public void EveryPrefixOfAValidRequest_IsRefusedCleanly()
    {
        var frame = ClientFrame(DhcpMessageType.Discover, A1, 1);

        for (var n = 0; n < frame.Length; n++)
        {
            var answer = Responder.Answer(State(), H1, frame.AsSpan(0, n));
            Assert.That(answer.Outcome, Is.EqualTo(DhcpOutcome.Malformed), $"prefix of {n} bytes");
        }
    }

    [Test]
    public void SeededMutations_NeverThrow_AndOnlyEverAnswerA1()
    {
        const int seed = 20261202;
        var rng = new Random(seed);
        var valid = ClientFrame(DhcpMessageType.Discover, A1, 1);
        var state = State();
        var answered = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var frame = (byte[])valid.Clone();
            for (var k = rng.Next(1, 6); k > 0; k--)
            {
                frame[rng.Next(frame.Length)] = (byte)rng.Next(256);
            }

            var answer = Responder.Answer(state, H1, frame.AsSpan(0, rng.Next(frame.Length / 2, frame.Length + 1)));
            if (answer.Frame is not null)
            {
                answered++;
                Assert.That(answer.PortId, Is.AnyOf("a1", "b1"), $"seed {seed}, case {i}");
            }
        }

        Assert.That(answered, Is.GreaterThan(0), "some mutations (in fields the responder ignores) still answer");
    }
}
