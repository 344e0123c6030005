using System.Net;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;
using X = OpenFlow.Matching.Oxm;

namespace OpenFlow.Tests.Matching;

/// <summary>Every typed factory gives the right header and length; fields OVS lacks round-trip from the spec layout.</summary>
public sealed class OxmFieldTests
{
    private static IEnumerable<TestCaseData> Factories()
    {
        var mac = new MacAddress(0x0a0b0c0d0e0f);
        var v4 = IPAddress.Parse("10.1.2.3");
        var v6 = IPAddress.Parse("2001:db8::5");
        yield return new TestCaseData(X.InPort(7), OxmBasic.InPort, "00000007");
        yield return new TestCaseData(X.InPhyPort(8), OxmBasic.InPhyPort, "00000008");
        yield return new TestCaseData(X.Metadata(9, 0xff), OxmBasic.Metadata, "000000000000000900000000000000ff");
        yield return new TestCaseData(X.EthDst(mac), OxmBasic.EthDst, "0a0b0c0d0e0f");
        yield return new TestCaseData(X.EthSrc(mac, MacAddress.Broadcast), OxmBasic.EthSrc, "0a0b0c0d0e0fffffffffffff");
        yield return new TestCaseData(X.EthType(0x0800), OxmBasic.EthType, "0800");
        yield return new TestCaseData(X.VlanVid(VlanVid.Tagged(10)), OxmBasic.VlanVid, "100a");
        yield return new TestCaseData(X.VlanVidPresent(), OxmBasic.VlanVid, "10001000");
        yield return new TestCaseData(X.VlanPcp(5), OxmBasic.VlanPcp, "05");
        yield return new TestCaseData(X.IpDscp(46), OxmBasic.IpDscp, "2e");
        yield return new TestCaseData(X.IpEcn(3), OxmBasic.IpEcn, "03");
        yield return new TestCaseData(X.IpProto(17), OxmBasic.IpProto, "11");
        yield return new TestCaseData(X.Ipv4Src(v4), OxmBasic.Ipv4Src, "0a010203");
        yield return new TestCaseData(X.Ipv4Dst(v4, 16), OxmBasic.Ipv4Dst, "0a010203ffff0000");
        yield return new TestCaseData(X.Ipv4Dst(0x0a000000u, 0xff000000u), OxmBasic.Ipv4Dst, "0a000000ff000000");
        yield return new TestCaseData(X.TcpSrc(1), OxmBasic.TcpSrc, "0001");
        yield return new TestCaseData(X.TcpDst(2), OxmBasic.TcpDst, "0002");
        yield return new TestCaseData(X.UdpSrc(3), OxmBasic.UdpSrc, "0003");
        yield return new TestCaseData(X.UdpDst(4), OxmBasic.UdpDst, "0004");
        yield return new TestCaseData(X.SctpSrc(5), OxmBasic.SctpSrc, "0005");
        yield return new TestCaseData(X.SctpDst(6), OxmBasic.SctpDst, "0006");
        yield return new TestCaseData(X.Icmpv4Type(8), OxmBasic.Icmpv4Type, "08");
        yield return new TestCaseData(X.Icmpv4Code(9), OxmBasic.Icmpv4Code, "09");
        yield return new TestCaseData(X.ArpOp(2), OxmBasic.ArpOp, "0002");
        yield return new TestCaseData(X.ArpSpa(v4), OxmBasic.ArpSpa, "0a010203");
        yield return new TestCaseData(X.ArpTpa(v4, IPAddress.Parse("255.255.255.0")), OxmBasic.ArpTpa, "0a010203ffffff00");
        yield return new TestCaseData(X.ArpSha(mac), OxmBasic.ArpSha, "0a0b0c0d0e0f");
        yield return new TestCaseData(X.ArpTha(mac), OxmBasic.ArpTha, "0a0b0c0d0e0f");
        yield return new TestCaseData(X.Ipv6Src(v6), OxmBasic.Ipv6Src, "20010db8000000000000000000000005");
        yield return new TestCaseData(X.Ipv6Dst(v6, 64), OxmBasic.Ipv6Dst, "20010db8000000000000000000000005ffffffffffffffff0000000000000000");
        yield return new TestCaseData(X.Ipv6Flabel(0xabcde), OxmBasic.Ipv6Flabel, "000abcde");
        yield return new TestCaseData(X.Icmpv6Type(135), OxmBasic.Icmpv6Type, "87");
        yield return new TestCaseData(X.Icmpv6Code(0), OxmBasic.Icmpv6Code, "00");
        yield return new TestCaseData(X.Ipv6NdTarget(v6), OxmBasic.Ipv6NdTarget, "20010db8000000000000000000000005");
        yield return new TestCaseData(X.Ipv6NdSll(mac), OxmBasic.Ipv6NdSll, "0a0b0c0d0e0f");
        yield return new TestCaseData(X.Ipv6NdTll(mac), OxmBasic.Ipv6NdTll, "0a0b0c0d0e0f");
        yield return new TestCaseData(X.MplsLabel(0xfffff), OxmBasic.MplsLabel, "000fffff");
        yield return new TestCaseData(X.MplsTc(7), OxmBasic.MplsTc, "07");
        yield return new TestCaseData(X.MplsBos(true), OxmBasic.MplsBos, "01");
        yield return new TestCaseData(X.PbbIsid(0x123456, 0xffff00), OxmBasic.PbbIsid, "123456ffff00");
        yield return new TestCaseData(X.TunnelId(0x64), OxmBasic.TunnelId, "0000000000000064");
        yield return new TestCaseData(X.Ipv6Exthdr(0x1ff, 0x0f0), OxmBasic.Ipv6Exthdr, "01ff00f0");
    }

    [TestCaseSource(nameof(Factories))]
    public void FactoryGivesFieldAndPayload(OxmField f, OxmBasic field, string payload)
    {
        var buf = new byte[64];
        var w = new OfpWriter(buf);
        f.Write(ref w);
        var hex = Convert.ToHexStringLower(w.Written);
        var r = new OfpReader(w.Written);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(f.IsBasic(field), Is.True);
            Assert.That(hex[8..], Is.EqualTo(payload));
            Assert.That(f.Header >> 16, Is.EqualTo((uint)OxmClass.OpenFlowBasic));
            Assert.That(OxmField.Read(ref r), Is.EqualTo(f));
        }
    }

    [Test]
    public void FactoriesCoverEveryBasicField()
    {
        var covered = Factories().Select(t => (OxmBasic)t.Arguments[1]!).ToHashSet();
        Assert.That(covered, Is.EquivalentTo(Enum.GetValues<OxmBasic>()));
    }

    [Test]
    public void NiciraFieldsUseOvsHeaders()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(X.TunIpv4Src(IPAddress.Parse("1.2.3.4")).Header, Is.EqualTo(0x00013e04u));
            Assert.That(X.TunIpv4Dst(IPAddress.Parse("1.2.3.4"), IPAddress.Parse("255.0.0.0")).Header, Is.EqualTo(0x00014108u));
            Assert.That(X.NxReg(0, 1).Header, Is.EqualTo(0x00010004u));
            Assert.That(X.NxReg(7, 1, 0xff).Header, Is.EqualTo(0x00010f08u));
            Assert.That(X.NxPktMark(1).Header, Is.EqualTo(0x00014204u));
        }
    }

    [Test]
    public void SpecOnlyFieldsValidate()
    {
        // in_phy_port, pbb_isid and ipv6_exthdr: OVS 3.1 does not implement them; checked against the 1.3.5 spec.
        Assert.That(() => Match.Canonical(X.InPhyPort(2), X.InPort(1)), Throws.Nothing);
        Assert.That(() => Match.Canonical(X.EthType(0x88e7), X.PbbIsid(0x123456)), Throws.Nothing);
        Assert.That(() => Match.Canonical(X.EthType(0x86dd), X.Ipv6Exthdr(0x1ff)), Throws.Nothing);
        Assert.That(Match.Canonical(X.InPhyPort(2), X.InPort(1)).Fields[0], Is.EqualTo(X.InPort(1)));
        var e = Assert.Throws<OfpDecodeException>(() => Match.Canonical(X.EthType(0x86dd), X.Ipv6Exthdr(0x200)));
        Assert.That((BadMatchCode)e!.Code, Is.EqualTo(BadMatchCode.BadValue));
    }

    [TestCase("80000005000000", TestName = "oxm_in_port_length_3")]
    [TestCase("8000000000", TestName = "oxm_zero_length")]
    [TestCase("8000010800000001", TestName = "oxm_masked_in_port_truncated")]
    [TestCase("8000070300112233", TestName = "oxm_masked_odd_length")]
    [TestCase("ffff0002aabb", TestName = "oxm_experimenter_shorter_than_id")]
    public void MalformedOxmFailsWithBadMatch(string hex)
    {
        var e = Assert.Throws<OfpDecodeException>(() =>
        {
            var r = new OfpReader(Convert.FromHexString(hex));
            OxmField.Read(ref r);
        });
        Assert.That(e!.Type, Is.AnyOf(ErrorType.BadMatch, ErrorType.BadRequest));
    }
}
