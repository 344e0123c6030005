using System.Net;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;
using X = OpenFlow.Matching.Oxm;

namespace OpenFlow.Tests.Matching;

/// <summary>
/// Canonical order and validation. Expected bytes are the ofp_match of
/// <c>ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "&lt;match&gt;,actions=drop"</c> (OVS 3.1).
/// </summary>
public sealed class MatchCanonicalTests
{
    // tcp,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_vlan=5,dl_vlan_pcp=3,nw_src=1.2.3.4,
    // nw_dst=5.6.7.0/24,nw_tos=8,nw_ecn=1,tp_src=80,tp_dst=90,tun_id=5,metadata=7/0xff,reg0=1,reg1=2/0xf,
    // tun_src=1.1.1.1,tun_dst=2.2.2.0/24
    private const string TcpHex =
        "000100a88000000400000001800008060000000000018000060600000000000280000a02080080000c02100580000e0103" +
        "80001604010203048000190805060700ffffff0080001001028000120101800014010680001a02005080001c02005a80004c08" +
        "000000000000000500013e04010101010001410802020200ffffff00000100040000000100010308000000020000000f8000" +
        "0510000000000000000700000000000000ff";

    private const string Icmp6Hex =
        "0001007780000a0286dd8000352020010db8000000000000000000000000ffffffff000000000000000000000000800036100000" +
        "00000000000000000000000000028000380400000005800014013a80003a018780003c010080003e1000000000000000000000" +
        "0000000000038000400600000000000700";

    private const string ArpHex =
        "00010046800000040000000380000a02080680002a02000280002c040a00000180002f080a000000ff000000800030060000000000" +
        "018000330c000000000000ffffff0000000000";

    private const string MplsHex = "0001001c80000a02884780004601038000480101800044040000000500000000";

    private const string FullMaskHex = "0001001880000a0286dd80000c0210058000380400012345";

    private static OxmField[] TcpFields() =>
    [
        X.TunIpv4Dst(IPAddress.Parse("2.2.2.0"), IPAddress.Parse("255.255.255.0")),
        X.TunIpv4Src(IPAddress.Parse("1.1.1.1")),
        X.NxReg(1, 2, 0xf),
        X.NxReg(0, 1),
        X.Metadata(7, 0xff),
        X.TunnelId(5),
        X.TcpDst(90),
        X.TcpSrc(80),
        X.IpEcn(1),
        X.IpDscp(2),
        X.Ipv4Dst(IPAddress.Parse("5.6.7.0"), 24),
        X.Ipv4Src(IPAddress.Parse("1.2.3.4")),
        X.VlanPcp(3),
        X.VlanVid(VlanVid.Tagged(5)),
        X.EthDst(new MacAddress(2)),
        X.EthSrc(new MacAddress(1)),
        X.InPort(1),
        X.IpProto(6),
        X.EthType(0x0800),
    ];

    [Test]
    public void ScrambledTcpMatchEncodesLikeOvs()
    {
        Assert.That(MatchWire.Encode(Match.Canonical(TcpFields())), Is.EqualTo(TcpHex));
    }

    [Test]
    public void BuilderGivesTheSameMatch()
    {
        var b = new MatchBuilder();
        foreach (var f in TcpFields().Reverse())
        {
            b.Add(f);
        }

        Assert.That(b.Build(), Is.EqualTo(MatchWire.Decode(TcpHex)));
    }

    [Test]
    public void Icmp6MatchEncodesLikeOvs()
    {
        var m = Match.Canonical(
            X.Ipv6NdSll(new MacAddress(7)),
            X.Ipv6NdTarget(IPAddress.Parse("::3")),
            X.Icmpv6Code(0),
            X.Icmpv6Type(135),
            X.Ipv6Flabel(5),
            X.Ipv6Dst(IPAddress.Parse("::2")),
            X.Ipv6Src(IPAddress.Parse("2001:db8::"), 32),
            X.IpProto(58),
            X.EthType(0x86dd));
        Assert.That(MatchWire.Encode(m), Is.EqualTo(Icmp6Hex));
    }

    [Test]
    public void ArpMatchEncodesLikeOvs()
    {
        var m = Match.Canonical(
            X.ArpTha(new MacAddress(0), new MacAddress(0xffffff000000)),
            X.ArpSha(new MacAddress(1)),
            X.ArpTpa(IPAddress.Parse("10.0.0.0"), IPAddress.Parse("255.0.0.0")),
            X.ArpSpa(IPAddress.Parse("10.0.0.1")),
            X.ArpOp(2),
            X.InPort(3),
            X.EthType(0x0806));
        Assert.That(MatchWire.Encode(m), Is.EqualTo(ArpHex));
    }

    [Test]
    public void MplsMatchEncodesLikeOvs()
    {
        var m = Match.Canonical(X.MplsLabel(5), X.MplsBos(true), X.MplsTc(3), X.EthType(0x8847));
        Assert.That(MatchWire.Encode(m), Is.EqualTo(MplsHex));
    }

    [Test]
    public void FullMasksAreDroppedLikeOvs()
    {
        var m = Match.Canonical(X.VlanVid(VlanVid.Tagged(5), 0x1fff), X.Ipv6Flabel(0x12345, 0xfffff), X.EthType(0x86dd));
        Assert.That(MatchWire.Encode(m), Is.EqualTo(FullMaskHex));
    }

    [Test]
    public void CanonicalOrderIsRecognised()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MatchWire.Decode(TcpHex).IsCanonical, Is.True);
            Assert.That(new Match(TcpFields()).IsCanonical, Is.False);
            Assert.That(new Match(TcpFields()).ToCanonicalOrder(), Is.EqualTo(MatchWire.Decode(TcpHex)));
        }
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(new[] { X.InPort(1), X.InPort(2) }, BadMatchCode.DupField).SetName("dup_in_port");
        yield return new TestCaseData(new[] { X.NxReg(3, 1), X.NxReg(3, 2) }, BadMatchCode.DupField).SetName("dup_reg");
        yield return new TestCaseData(new[] { X.Ipv4Src(1u) }, BadMatchCode.BadPrereq).SetName("ipv4_without_eth_type");
        yield return new TestCaseData(new[] { X.EthType(0x86dd), X.Ipv4Src(1u) }, BadMatchCode.BadPrereq).SetName("ipv4_with_ipv6_type");
        yield return new TestCaseData(new[] { X.EthType(0x0800), X.TcpDst(80) }, BadMatchCode.BadPrereq).SetName("tcp_without_proto");
        yield return new TestCaseData(new[] { X.EthType(0x0800), X.IpProto(17), X.TcpDst(80) }, BadMatchCode.BadPrereq).SetName("tcp_with_udp_proto");
        yield return new TestCaseData(new[] { X.VlanPcp(1) }, BadMatchCode.BadPrereq).SetName("pcp_without_vid");
        yield return new TestCaseData(new[] { X.VlanVid(VlanVid.None), X.VlanPcp(1) }, BadMatchCode.BadPrereq).SetName("pcp_with_vid_none");
        yield return new TestCaseData(new[] { X.InPhyPort(1) }, BadMatchCode.BadPrereq).SetName("in_phy_port_alone");
        yield return new TestCaseData(new[] { X.EthType(0x86dd), X.IpProto(58), X.Icmpv6Type(135), X.Ipv6NdTll(new MacAddress(1)) }, BadMatchCode.BadPrereq).SetName("nd_tll_on_solicit");
        yield return new TestCaseData(new[] { X.EthType(0x0806), X.ArpOp(1), X.ArpOp(2) }, BadMatchCode.DupField).SetName("dup_arp_op");
        yield return new TestCaseData(new[] { X.MplsLabel(1) }, BadMatchCode.BadPrereq).SetName("mpls_without_type");
        yield return new TestCaseData(new[] { X.PbbIsid(1) }, BadMatchCode.BadPrereq).SetName("pbb_without_type");
        yield return new TestCaseData(new[] { X.EthType(0x8847), X.MplsLabel(0x100000) }, BadMatchCode.BadValue).SetName("mpls_label_21_bits");
        yield return new TestCaseData(new[] { X.EthType(0x0800), X.IpDscp(64) }, BadMatchCode.BadValue).SetName("dscp_7_bits");
        yield return new TestCaseData(new[] { X.VlanVid(VlanVid.Tagged(1), 0xf000) }, BadMatchCode.BadMask).SetName("vlan_mask_too_wide");
        yield return new TestCaseData(new[] { new OxmField(OxmClass.OpenFlowBasic, 6, new byte[] { 0x20, 0 }) }, BadMatchCode.BadValue).SetName("vlan_value_too_wide");
        yield return new TestCaseData(new[] { X.EthDst(new MacAddress(3), new MacAddress(1)) }, BadMatchCode.BadWildcards).SetName("value_outside_mask");
        yield return new TestCaseData(new[] { new OxmField(OxmClass.OpenFlowBasic, 0, new byte[] { 0, 0, 0, 1 }, new byte[] { 0, 0, 0, 1 }) }, BadMatchCode.BadMask).SetName("masked_in_port");
        yield return new TestCaseData(new[] { new OxmField(OxmClass.OpenFlowBasic, 5, new byte[] { 8 }) }, BadMatchCode.BadLen).SetName("eth_type_1_byte");
        yield return new TestCaseData(new[] { new OxmField(OxmClass.OpenFlowBasic, 77, new byte[] { 8 }) }, BadMatchCode.BadField).SetName("unknown_basic_field");
    }

    [TestCaseSource(nameof(Invalid))]
    public void InvalidMatchesAreRejected(OxmField[] fields, BadMatchCode code)
    {
        var e = Assert.Throws<OfpDecodeException>(() => Match.Canonical(fields));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e!.Type, Is.EqualTo(ErrorType.BadMatch));
            Assert.That((BadMatchCode)e.Code, Is.EqualTo(code));
        }
    }

    [Test]
    public void DecodeDoesNotValidate()
    {
        // OVS sends masked TCP ports (tcp,tp_src=0x10/0xfff0), which OpenFlow 1.3 does not allow: decode accepts.
        const string hex = "0001001d80000a020800800014010680001b040010fff080001c020050000000";
        var m = MatchWire.Decode(hex);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MatchWire.Encode(m), Is.EqualTo(hex));
            Assert.That(() => m.Validate(), Throws.TypeOf<OfpDecodeException>().With.Property(nameof(OfpDecodeException.Code)).EqualTo((ushort)BadMatchCode.BadMask));
        }
    }

    [Test]
    public void ExactValueReadsUnmaskedFields()
    {
        var m = MatchWire.Decode(TcpHex);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(m.ExactValue(OxmBasic.InPort), Is.EqualTo(1));
            Assert.That(m.ExactValue(OxmBasic.TcpDst), Is.EqualTo(90));
            Assert.That(m.ExactValue(OxmBasic.Metadata), Is.Null, "masked");
            Assert.That(m.ExactValue(OxmBasic.UdpDst), Is.Null, "absent");
        }
    }

    [Test]
    public void ValidMatchesPass()
    {
        Assert.That(() => Match.Canonical(TcpFields()), Throws.Nothing);
        Assert.That(() => Match.Canonical(X.EthType(0x86dd), X.IpProto(58), X.Icmpv6Type(136), X.Ipv6NdTarget(IPAddress.IPv6Loopback), X.Ipv6NdTll(new MacAddress(5))), Throws.Nothing);
    }
}
