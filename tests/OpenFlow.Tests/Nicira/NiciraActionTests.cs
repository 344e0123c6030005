using OpenFlow.Actions;
using OpenFlow.Nicira;
using OpenFlow.Tests.Actions;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Nicira;

/// <summary>
/// Nicira actions against the bytes of <c>ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "actions=..."</c>
/// (OVS 3.1); the action hex is the apply-actions body of the printed FLOW_MOD.
/// </summary>
public sealed class NiciraActionTests
{
    /// <summary>The br-tun table-10 learn, cookie 0x1234: the most important vector.</summary>
    public const string BrTunLearnHex =
        "ffff00600000232000100000012c000100000000000012340000140000000000" +
        "000c0000080200000000080200000030000004060000000002060000281000000000" +
        "080200000840000120080000000120080000102080000004000000000000";

    /// <summary>
    /// learn(table=3,idle_timeout=10,hard_timeout=20,priority=7,cookie=0xfedcba9876543210,fin_idle_timeout=5,
    /// fin_hard_timeout=6,send_flow_rem,delete_learned,eth_type=0x800,ip_src=1.2.3.4,
    /// NXM_NX_TUN_IPV4_SRC[]=NXM_NX_TUN_IPV4_DST[],NXM_NX_REG3[4..9]=NXM_NX_REG5[10..15],
    /// load:NXM_NX_REG0[0..2]-&gt;NXM_NX_REG1[3..5],load:0x1234-&gt;NXM_NX_TUN_IPV4_SRC[],output:NXM_NX_REG2[0..15]).
    /// </summary>
    public const string FullLearnHex =
        "ffff0078000023200010000a00140007fedcba98765432100003030000050006" +
        "2010080000000602000020200102030400000e040000002000014004000000013e040000" +
        "000600010a04000a000106040004080300010004000000010204000328200000123400013e04" +
        "0000101000010404000000000000";

    /// <summary>learn(table=1,NXM_OF_IN_PORT[],OXM_OF_VLAN_VID[],dl_type=0x86dd,ipv6_src=2001:db8::1): 128-bit immediate.</summary>
    public const string Ipv6LearnHex =
        "ffff0060000023200010000000008000000000000000000000000100000000000010000000020000000000020000" +
        "000c80000c02000080000c020000201086dd000006020000208020010db80000000000000000000000010001261000000000";

    private static NxLearn FullLearn() => new()
    {
        TableId = 3,
        IdleTimeout = 10,
        HardTimeout = 20,
        Priority = 7,
        Cookie = 0xfedcba9876543210,
        FinIdleTimeout = 5,
        FinHardTimeout = 6,
        Flags = NxLearnFlags.SendFlowRem | NxLearnFlags.DeleteLearned,
        Specs =
        [
            NxLearnSpec.MatchValue(NxmHeader.NxmOfEthType, 0, 16, 0x800),
            NxLearnSpec.MatchValue(NxmHeader.NxmOfIpSrc, 0, 32, 0x01020304),
            NxLearnSpec.MatchField(NxmHeader.NxmNxTunIpv4Src, NxmHeader.NxmNxTunIpv4Dst),
            NxLearnSpec.MatchField(NxmHeader.NxmNxReg(3), 4, NxmHeader.NxmNxReg(5), 10, 6),
            NxLearnSpec.LoadField(NxmHeader.NxmNxReg(0), 0, NxmHeader.NxmNxReg(1), 3, 3),
            NxLearnSpec.LoadValue(0x1234, NxmHeader.NxmNxTunIpv4Src),
            NxLearnSpec.OutputField(NxmHeader.NxmNxReg(2), 0, 16),
        ],
    };

    private static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData(BrTunLearnHex, LearnSamples.BrTunShaped(20, 1, 300, 0x1234)).SetName("learn_brtun");
        yield return new TestCaseData(FullLearnHex, FullLearn()).SetName("learn_every_spec_kind");
        yield return new TestCaseData(Ipv6LearnHex, new NxLearn
        {
            Specs =
            [
                NxLearnSpec.MatchField(NxmHeader.NxmOfInPort),
                NxLearnSpec.MatchField(NxmHeader.OxmOfVlanVid),
                NxLearnSpec.MatchValue(NxmHeader.NxmOfEthType, 0, 16, 0x86dd),
                NxLearnSpec.MatchValue(NxmHeader.NxmNxIpv6Src, 0, 128, Convert.FromHexString("20010db8000000000000000000000001")),
            ],
        }).SetName("learn_ipv6_immediate");
        yield return new TestCaseData("ffff001000002320000efff805000000", NxResubmit.ToTable(5)).SetName("resubmit_table");
        yield return new TestCaseData("ffff001000002320000e0003ff000000", new NxResubmit(3, NxResubmit.TableUnchanged)).SetName("resubmit_port_ovs");
        yield return new TestCaseData("ffff001000002320000e000205000000", new NxResubmit(2, 5)).SetName("resubmit_port_table");
        yield return new TestCaseData("ffff0010000023200001000300000000", new NxResubmit(3)).SetName("resubmit_subtype1");
        yield return new TestCaseData("ffff0018000023200007001f000100040000000000000005", new NxRegLoad(NxmHeader.NxmNxReg(0), 5)).SetName("reg_load_whole");
        yield return new TestCaseData("ffff00180000232000070105000106040000000000000001", new NxRegLoad(NxmHeader.NxmNxReg(3), 4, 6, 1)).SetName("reg_load_bits");
        yield return new TestCaseData("ffff00180000232000070017000120080000000000123456", new NxRegLoad(NxmHeader.NxmNxTunId, 0, 24, 0x123456)).SetName("reg_load_tun_id");
        yield return new TestCaseData("ffff00180000232000060020000000000001000400010204", new NxRegMove(NxmHeader.NxmNxReg(0), NxmHeader.NxmNxReg(1))).SetName("reg_move_whole");
        yield return new TestCaseData("ffff00180000232000060030000000000000040600000206", new NxRegMove(NxmHeader.NxmOfEthSrc, NxmHeader.NxmOfEthDst)).SetName("reg_move_eth");
        yield return new TestCaseData("ffff00180000232000060004000000040001000400010204", new NxRegMove(NxmHeader.NxmNxReg(0), 0, NxmHeader.NxmNxReg(1), 4, 4)).SetName("reg_move_bits");
        yield return new TestCaseData("ffff0010000023200008010203000000", new NxNote(new byte[] { 1, 2, 3 })).SetName("note_short");
        yield return new TestCaseData("ffff00180000232000080102030405060700000000000000", new NxNote(new byte[] { 1, 2, 3, 4, 5, 6, 7 })).SetName("note_7");
    }

    [TestCaseSource(nameof(Vectors))]
    public void EncodeEqualsOvs(string hex, OfpAction action)
    {
        Assert.That(ActionWire.Encode(action), Is.EqualTo(hex));
    }

    [TestCaseSource(nameof(Vectors))]
    public void DecodeGivesObject(string hex, OfpAction action)
    {
        Assert.That(ActionWire.DecodeOne(hex), Is.EqualTo(action));
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixFails(string hex, OfpAction action)
    {
        var bytes = Convert.FromHexString(hex);
        for (var n = 1; n < bytes.Length; n++)
        {
            var prefix = bytes[..n];
            Assert.That(() => ActionWire.Decode(Convert.ToHexString(prefix)), Throws.TypeOf<OfpDecodeException>(), $"prefix of {n} bytes");
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void TruncatedLengthFieldFailsCleanly(string hex, OfpAction action)
    {
        // Same bytes, but the action's length field is shortened by 8: the body no longer fits.
        var bytes = Convert.FromHexString(hex);
        if (bytes.Length <= 8)
        {
            Assert.Ignore("action already minimal");
        }

        var len = (bytes[2] << 8) | bytes[3];
        bytes[2] = (byte)((len - 8) >> 8);
        bytes[3] = (byte)(len - 8);
        Assert.That(() => ActionWire.Decode(Convert.ToHexString(bytes)), Throws.TypeOf<OfpDecodeException>());
    }

    [Test]
    public void UnknownNiciraSubtypeStaysRaw()
    {
        // NXAST_DEC_TTL_CNT_IDS-like unknown subtype 0x7777 keeps its bytes.
        const string hex = "ffff0010000023207777000102030000";
        var a = ActionWire.DecodeOne(hex);
        Assert.That(a, Is.TypeOf<ExperimenterAction>());
        Assert.That(ActionWire.Encode(a), Is.EqualTo(hex));
    }

    [Test]
    public void BrTunLearnHasTheSeedSpecs()
    {
        var l = LearnSamples.BrTunShaped(20, 1, 300, 0x1234);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(l.Specs, Has.Length.EqualTo(5));
            Assert.That(l.Specs[0].Kind, Is.EqualTo(NxLearnSpecKind.Match));
            Assert.That(l.Specs[2].IsImmediate, Is.True);
            Assert.That(l.Specs[4].Kind, Is.EqualTo(NxLearnSpecKind.Output));
            Assert.That(l.Specs[4].Destination, Is.Null);
        }
    }

    [Test]
    public void LearnWithNonZeroPaddingIsRejected()
    {
        var bytes = Convert.FromHexString(BrTunLearnHex);
        bytes[^1] = 1;
        Assert.That(
            () => ActionWire.Decode(Convert.ToHexString(bytes)),
            Throws.TypeOf<OfpDecodeException>().With.Property(nameof(OfpDecodeException.Type)).EqualTo(Protocol.ErrorType.BadAction));
    }

    [Test]
    public void LearnSpecWithReservedDestinationIsRejected()
    {
        var bytes = Convert.FromHexString(BrTunLearnHex);
        bytes[32] = 0x18; // dst_type 3
        Assert.That(() => ActionWire.Decode(Convert.ToHexString(bytes)), Throws.TypeOf<OfpDecodeException>());
    }

    [Test]
    public void LearnSpecsWithDistinctValuesRoundTrip()
    {
        var l = FullLearn() with { TableId = 9, IdleTimeout = 11, HardTimeout = 12, Priority = 13, FinIdleTimeout = 14, FinHardTimeout = 15, Flags = NxLearnFlags.WriteResult };
        var decoded = (NxLearn)ActionWire.DecodeOne(ActionWire.Encode(l));
        Assert.That(decoded, Is.EqualTo(l));
        Assert.That(decoded with { FinHardTimeout = 16 }, Is.Not.EqualTo(l));
    }
}
