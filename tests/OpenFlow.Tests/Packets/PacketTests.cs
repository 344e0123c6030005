using System.Net;
using OpenFlow.Packets;

namespace OpenFlow.Tests.Packets;

/// <summary>
/// Packet parsing and building against frames printed by <c>ovs-ofctl compose-packet "&lt;flow&gt;"</c> (OVS 3.1).
/// </summary>
public sealed class PacketTests
{
    // arp,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00
    private const string ArpRequestHex = "ffffffffffff00000000000108060001080006040001000000000001" + "0a000001000000000000" + "0a000002";

    private const string Payload64 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

    // icmp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,icmp_type=8,icmp_code=0
    private const string IcmpHex = "00000000000200000000000108004500005c000000004001669f0a0000010a000002080013fc00000000" + Payload64;

    // tcp,vlan_tci=0x1005,dl_src=...:01,dl_dst=...:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1000,tp_dst=80
    private const string TcpVlanHex = "0000000000020000000000018100000508004500006800000000400666" + "8e0a0000010a00000203e80050000000000000000050000000b3660000" + Payload64;

    // udp,dl_src=...:01,dl_dst=...:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,udp_src=1000,udp_dst=53
    private const string UdpHex = "00000000000200000000000108004500005c000000004011668f0a0000010a00000203e800350048033b" + Payload64;

    // udp6,dl_src=...:01,dl_dst=...:02,ipv6_src=fe80::1,ipv6_dst=ff02::1,nw_ttl=255,udp_src=546,udp_dst=547
    private const string Udp6Hex = "00000000000200000000000186dd60000000004811fffe800000000000000000000000000001ff0200000000000000000000000000010222022300481990" + Payload64;

    private static readonly MacAddress Mac1 = new(1);
    private static readonly MacAddress Mac2 = new(2);
    private const uint Ip1 = 0x0a000001;
    private const uint Ip2 = 0x0a000002;

    private static byte[] Payload() => Convert.FromHexString(Payload64);

    private static IEnumerable<TestCaseData> Built()
    {
        yield return new TestCaseData(ArpRequestHex, PacketBuilder.ArpRequest(Mac1, Ip1, Ip2)).SetName("arp_request");
        yield return new TestCaseData(IcmpHex, PacketBuilder.IcmpEcho(Mac2, Mac1, Ip1, Ip2, true, 0, 0, Payload())).SetName("icmp_echo");
        yield return new TestCaseData(TcpVlanHex, PacketBuilder.Tcp(Mac2, Mac1, Ip1, Ip2, 1000, 80, 0, 0, 0, 0, Payload(), 64, VlanTag.Dot1Q(5))).SetName("tcp_vlan");
        yield return new TestCaseData(UdpHex, PacketBuilder.Udp(Mac2, Mac1, Ip1, Ip2, 1000, 53, Payload())).SetName("udp");
        yield return new TestCaseData(Udp6Hex, PacketBuilder.Udp6(Mac2, Mac1, PacketAddress.ToUInt128(IPAddress.Parse("fe80::1")), PacketAddress.ToUInt128(IPAddress.Parse("ff02::1")), 546, 547, Payload(), 255)).SetName("udp6");
    }

    [TestCaseSource(nameof(Built))]
    public void BuilderMatchesOvs(string hex, byte[] frame)
    {
        Assert.That(Convert.ToHexStringLower(frame), Is.EqualTo(hex));
    }

    [Test]
    public void ParsesArp()
    {
        Assert.That(PacketParser.TryParse(Convert.FromHexString(ArpRequestHex), out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ethernet.Destination, Is.EqualTo(MacAddress.Broadcast));
            Assert.That(p.Ethernet.Source, Is.EqualTo(Mac1));
            Assert.That(p.Ethernet.EtherType, Is.EqualTo(EtherType.Arp));
            Assert.That(p.Arp, Is.EqualTo(new ArpPacket(ArpPacket.Request, Mac1, Ip1, MacAddress.Zero, Ip2)));
            Assert.That(p.Ipv4, Is.Null);
        }
    }

    [Test]
    public void ParsesArpReplyRoundTrip()
    {
        var frame = PacketBuilder.ArpReply(Mac2, Ip2, Mac1, Ip1, VlanTag.Dot1Q(100, 3));
        Assert.That(PacketParser.TryParse(frame, out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ethernet.Destination, Is.EqualTo(Mac1));
            Assert.That(p.Ethernet.OuterTag, Is.EqualTo(VlanTag.Dot1Q(100, 3)));
            Assert.That(p.Arp!.Value.Operation, Is.EqualTo(ArpPacket.Reply));
            Assert.That(p.Arp!.Value.SenderIp, Is.EqualTo(Ip2));
        }
    }

    [Test]
    public void ParsesIcmpWithValidChecksums()
    {
        var frame = Convert.FromHexString(IcmpHex);
        Assert.That(PacketParser.TryParse(frame, out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ipv4!.Value.Source, Is.EqualTo(Ip1));
            Assert.That(p.Ipv4!.Value.Ttl, Is.EqualTo(64));
            Assert.That(p.IpProtocol, Is.EqualTo(IpProtocol.Icmp));
            Assert.That(p.Icmp!.Value.Type, Is.EqualTo(IcmpHeader.EchoRequest));
            Assert.That(Ipv4Header.HasValidChecksum(frame.AsSpan(p.L3Offset)), Is.True);
            Assert.That(InternetChecksum.Compute(frame.AsSpan(p.L4Offset)), Is.Zero);
            Assert.That(p.SourcePort, Is.Null);
        }
    }

    [Test]
    public void ParsesTcpBehindVlan()
    {
        Assert.That(PacketParser.TryParse(Convert.FromHexString(TcpVlanHex), out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ethernet.OuterTag!.Value.Vid, Is.EqualTo(5));
            Assert.That(p.Ethernet.EtherType, Is.EqualTo(EtherType.Ipv4));
            Assert.That(p.L3Offset, Is.EqualTo(18));
            Assert.That(p.SourcePort, Is.EqualTo(1000));
            Assert.That(p.DestinationPort, Is.EqualTo(80));
            Assert.That(p.Tcp!.Value.HeaderLength, Is.EqualTo(20));
        }
    }

    [Test]
    public void ParsesQinQ()
    {
        var inner = Convert.FromHexString(UdpHex)[12..];
        var frame = Convert.FromHexString("000000000002000000000001" + "88a80064" + "810000c8").Concat(inner).ToArray();
        Assert.That(PacketParser.TryParse(frame, out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ethernet.OuterTag, Is.EqualTo(new VlanTag(EtherType.QinQ, 0, false, 100)));
            Assert.That(p.Ethernet.InnerTag, Is.EqualTo(new VlanTag(EtherType.Vlan, 0, false, 200)));
            Assert.That(p.Ethernet.Length, Is.EqualTo(22));
            Assert.That(p.DestinationPort, Is.EqualTo(53));
        }
    }

    [Test]
    public void ParsesUdp6()
    {
        Assert.That(PacketParser.TryParse(Convert.FromHexString(Udp6Hex), out var p), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Ipv6!.Value.HopLimit, Is.EqualTo(255));
            Assert.That(PacketAddress.ToIPAddress(p.Ipv6!.Value.Source), Is.EqualTo(IPAddress.Parse("fe80::1")));
            Assert.That(p.Ipv6!.Value.NextHeader, Is.EqualTo(IpProtocol.Udp));
            Assert.That(p.SourcePort, Is.EqualTo(546));
            Assert.That(p.Udp!.Value.Length, Is.EqualTo(72));
        }
    }

    [Test]
    public void Ipv6ExtensionHeadersAreSkipped()
    {
        // udp6 with a hop-by-hop header (8 bytes) inserted.
        var f = Convert.FromHexString(Udp6Hex).ToList();
        f[14 + 6] = IpProtocol.HopByHop;
        f.InsertRange(54, new byte[] { IpProtocol.Udp, 0, 1, 4, 0, 0, 0, 0 });
        Assert.That(PacketParser.TryParse(f.ToArray(), out var p), Is.True);
        Assert.That(p.DestinationPort, Is.EqualTo(547));
    }

    [Test]
    public void LaterIpv4FragmentHasNoPorts()
    {
        var f = Convert.FromHexString(UdpHex);
        f[14 + 7] = 0x10; // fragment offset 16
        Assert.That(PacketParser.TryParse(f, out var p), Is.True);
        Assert.That(p.SourcePort, Is.Null);
    }

    private static IEnumerable<string> Goldens() => [ArpRequestHex, IcmpHex, TcpVlanHex, UdpHex, Udp6Hex];

    [TestCaseSource(nameof(Goldens))]
    public void TruncatedHeadersFailWithoutThrowing(string hex)
    {
        var frame = Convert.FromHexString(hex);
        Assert.That(PacketParser.TryParse(frame, out var full), Is.True);
        var needed = full.L4Offset >= 0 ? full.L4Offset + 8 : frame.Length;
        for (var n = 0; n < needed; n++)
        {
            Assert.That(PacketParser.TryParse(frame.AsSpan(0, n), out _), Is.False, $"prefix {n}");
        }
    }

    [Test]
    public void BadHeadersAreRejected()
    {
        var ipv4 = Convert.FromHexString(UdpHex);
        ipv4[14] = 0x44; // IHL 4
        var v6 = Convert.FromHexString(Udp6Hex);
        v6[14] = 0x40; // version 4 under ethertype 86dd
        var arp = Convert.FromHexString(ArpRequestHex);
        arp[14 + 4] = 8; // hlen 8
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PacketParser.TryParse(ipv4, out _), Is.False);
            Assert.That(PacketParser.TryParse(v6, out _), Is.False);
            Assert.That(PacketParser.TryParse(arp, out _), Is.False);
        }
    }

    [Test]
    public void RandomMutationsNeverThrow()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var goldens = Goldens().Select(Convert.FromHexString).ToArray();
        var parsed = 0;
        for (var i = 0; i < 20000; i++)
        {
            var f = (byte[])goldens[rng.Next(goldens.Length)].Clone();
            for (var k = rng.Next(1, 6); k > 0; k--)
            {
                f[rng.Next(f.Length)] = (byte)rng.Next(256);
            }

            var len = rng.Next(f.Length + 1);
            if (PacketParser.TryParse(f.AsSpan(0, len), out _))
            {
                parsed++;
            }
        }

        Assert.That(parsed, Is.GreaterThan(0), $"seed {seed}");
    }
}
