using OpenFlow.Actions;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Actions;

/// <summary>
/// OpenFlow 1.3 actions. Vectors marked "ovs" come from <c>ovs-ofctl -O OpenFlow13 -mmmmm parse-flow</c>
/// (OVS 3.1); COPY_TTL_OUT/IN and PUSH/POP_PBB are not implemented by OVS and are built from the
/// 1.3.5 spec layout (OVS rejects them with OFPBAC_BAD_TYPE).
/// </summary>
public sealed class StandardActionTests
{
    private static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData("00000010000000010000000000000000", new OutputAction(1, 0)).SetName("ovs_output_1");
        yield return new TestCaseData("00000010fffffffd0080000000000000", new OutputAction(OfpPort.Controller, 128)).SetName("ovs_controller_128");
        yield return new TestCaseData("00000010fffffffdffff000000000000", new OutputAction(OfpPort.Controller)).SetName("ovs_controller");
        yield return new TestCaseData("00000010fffffffa0000000000000000", new OutputAction(OfpPort.Normal, 0)).SetName("ovs_normal");
        yield return new TestCaseData("00000010fffffff80000000000000000", new OutputAction(OfpPort.InPort, 0)).SetName("ovs_in_port");
        yield return new TestCaseData("000b000800000000", new CopyTtlOutAction()).SetName("spec_copy_ttl_out");
        yield return new TestCaseData("000c000800000000", new CopyTtlInAction()).SetName("spec_copy_ttl_in");
        yield return new TestCaseData("000f000805000000", new SetMplsTtlAction(5)).SetName("ovs_set_mpls_ttl");
        yield return new TestCaseData("0010000800000000", new DecMplsTtlAction()).SetName("ovs_dec_mpls_ttl");
        yield return new TestCaseData("0011000881000000", new PushVlanAction()).SetName("ovs_push_vlan");
        yield return new TestCaseData("0012000800000000", new PopVlanAction()).SetName("ovs_pop_vlan");
        yield return new TestCaseData("0013000888470000", new PushMplsAction()).SetName("ovs_push_mpls");
        yield return new TestCaseData("0014000808000000", new PopMplsAction(0x0800)).SetName("ovs_pop_mpls");
        yield return new TestCaseData("0015000800000003", new SetQueueAction(3)).SetName("ovs_set_queue");
        yield return new TestCaseData("0016000800000007", new GroupAction(7)).SetName("ovs_group");
        yield return new TestCaseData("0017000809000000", new SetNwTtlAction(9)).SetName("ovs_set_nw_ttl");
        yield return new TestCaseData("0018000800000000", new DecNwTtlAction()).SetName("ovs_dec_nw_ttl");
        yield return new TestCaseData("0019001080004c080000000000000064", new SetFieldAction(Oxm.TunnelId(0x64))).SetName("ovs_set_field_tun_id");
        yield return new TestCaseData("001a000888e70000", new PushPbbAction()).SetName("spec_push_pbb");
        yield return new TestCaseData("001b000800000000", new PopPbbAction()).SetName("spec_pop_pbb");
    }

    [TestCaseSource(nameof(Vectors))]
    public void EncodeGivesVector(string hex, OfpAction action)
    {
        Assert.That(ActionWire.Encode(action), Is.EqualTo(hex));
    }

    [TestCaseSource(nameof(Vectors))]
    public void DecodeGivesObject(string hex, OfpAction action)
    {
        var decoded = ActionWire.DecodeOne(hex);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(action));
            Assert.That(decoded.Type, Is.EqualTo((ActionType)Convert.ToUInt16(hex[..4], 16)));
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixFails(string hex, OfpAction action)
    {
        var bytes = Convert.FromHexString(hex);
        for (var n = 1; n < bytes.Length; n++)
        {
            var prefix = Convert.ToHexString(bytes[..n]);
            Assert.That(() => ActionWire.Decode(prefix), Throws.TypeOf<OfpDecodeException>(), $"prefix of {n} bytes");
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void LongerThanItsLayoutFails(string hex, OfpAction action)
    {
        // The same action declared 8 bytes longer (zeros appended): fixed-size actions must reject it.
        var bytes = Convert.FromHexString(hex + "0000000000000000");
        var len = ((bytes[2] << 8) | bytes[3]) + 8;
        bytes[2] = (byte)(len >> 8);
        bytes[3] = (byte)len;
        Assert.That(
            () => ActionWire.Decode(Convert.ToHexString(bytes)),
            Throws.TypeOf<OfpDecodeException>().With.Property(nameof(OfpDecodeException.Type)).EqualTo(ErrorType.BadAction).Or.Property(nameof(OfpDecodeException.Type)).EqualTo(ErrorType.BadRequest));
    }

    [TestCase("0000000000000000", TestName = "zero_length")]
    [TestCase("0000000400000000", TestName = "length_4")]
    [TestCase("000000090000000000", TestName = "length_not_multiple_of_8")]
    [TestCase("0000001800000001ffff000000000000", TestName = "length_overruns_list")]
    [TestCase("0063000800000000", TestName = "unknown_type")]
    [TestCase("0019000800000000", TestName = "set_field_without_room_for_oxm")]
    [TestCase("0019001080004c100000000000000064", TestName = "set_field_oxm_overruns_action")]
    [TestCase("001900108000ff080000000000000000", TestName = "set_field_masked")]
    [TestCase("ffff000800002320", TestName = "experimenter_8_bytes_ok_then_nothing_else")]
    public void MalformedListsFailCleanly(string hex)
    {
        try
        {
            var list = ActionWire.Decode(hex);
            Assert.That(hex, Is.EqualTo("ffff000800002320"), "only the bare experimenter decodes");
            Assert.That(list[0], Is.TypeOf<ExperimenterAction>());
        }
        catch (OfpDecodeException e)
        {
            Assert.That(e.Type, Is.AnyOf(ErrorType.BadAction, ErrorType.BadRequest, ErrorType.BadMatch));
        }
    }

    [Test]
    public void DistinctValuesRoundTrip()
    {
        OfpAction[] all =
        [
            new OutputAction(0x01020304, 0x0506), new CopyTtlOutAction(), new CopyTtlInAction(), new SetMplsTtlAction(0x07),
            new DecMplsTtlAction(), new PushVlanAction(0x88a8), new PopVlanAction(), new PushMplsAction(0x8848),
            new PopMplsAction(0x86dd), new SetQueueAction(0x0a0b0c0d), new GroupAction(0x0e0f1011), new SetNwTtlAction(0x12),
            new DecNwTtlAction(), new SetFieldAction(Oxm.EthDst(new MacAddress(0x131415161718))), new PushPbbAction(0x1920),
            new PopPbbAction(), new ExperimenterAction(0x21222324, new byte[] { 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c }),
        ];
        var decoded = ActionWire.Decode(ActionWire.Encode(all));
        Assert.That(decoded.ToArray(), Is.EqualTo(all));
    }
}
