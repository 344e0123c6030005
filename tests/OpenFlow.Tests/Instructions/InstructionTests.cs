using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using OpenFlow.Protocol;
using OpenFlow.Tests.Nicira;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Instructions;

/// <summary>Instructions: distinct-value round trips, equality by content, malformed input.</summary>
public sealed class InstructionTests
{
    private static string Encode(params OfpInstruction[] instructions)
    {
        var buf = new byte[4096];
        var w = new OfpWriter(buf);
        OfpInstruction.WriteList(ref w, [.. instructions]);
        return Convert.ToHexStringLower(w.Written);
    }

    private static ImmutableArray<OfpInstruction> Decode(string hex)
    {
        var r = new OfpReader(Convert.FromHexString(hex));
        return OfpInstruction.ReadList(ref r);
    }

    private static OfpInstruction[] Distinct() =>
    [
        new GotoTable(0x42),
        new WriteMetadata(0x0102030405060708, 0x1112131415161718),
        new WriteActions(new OutputAction(0x21222324, 0x2526), new SetQueueAction(0x27282930)),
        new ApplyActions(new GroupAction(0x31323334), NxResubmit.ToTable(0x35), new NxRegLoad(NxmHeader.NxmNxReg(4), 5, 10, 0x3ff)),
        new ClearActions(),
        new MeterInstruction(0x41424344),
        new ExperimenterInstruction(0x51525354, new byte[] { 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c }),
    ];

    [Test]
    public void DistinctValuesRoundTrip()
    {
        var all = Distinct();
        var hex = Encode(all);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Decode(hex).ToArray(), Is.EqualTo(all));
            Assert.That(Encode([.. Decode(hex)]), Is.EqualTo(hex));
        }
    }

    [Test]
    public void ActionListsCompareByContent()
    {
        var a = new ApplyActions(new OutputAction(1), LearnSamples.BrTunShaped(20, 1, 300, 5));
        var b = new ApplyActions(new OutputAction(1), LearnSamples.BrTunShaped(20, 1, 300, 5));
        var c = new ApplyActions(new OutputAction(1), LearnSamples.BrTunShaped(20, 1, 300, 6));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(c));
            Assert.That((OfpInstruction)new WriteActions(new OutputAction(1)), Is.Not.EqualTo((OfpInstruction)new ApplyActions(new OutputAction(1))));
        }
    }

    [TestCase("0000000000000000", TestName = "instr_zero_length")]
    [TestCase("0001000400000000", TestName = "instr_length_4")]
    [TestCase("000100090000000000", TestName = "instr_length_not_multiple_of_8")]
    [TestCase("0001001000000000", TestName = "instr_length_overruns_list")]
    [TestCase("0007000800000000", TestName = "instr_unknown_type")]
    [TestCase("0001001005000000" + "0000000000000000", TestName = "goto_table_too_long")]
    [TestCase("0002001000000000" + "0000000000000001", TestName = "write_metadata_too_short")]
    [TestCase("0004001000000000" + "0000000000000000", TestName = "apply_with_zero_length_action")]
    [TestCase("0004001000000000" + "0000001800000001", TestName = "apply_action_overruns_instruction")]
    [TestCase("0005001000000000" + "0012000800000000", TestName = "clear_actions_with_an_action")]
    public void MalformedFailsWithDecodeException(string hex)
    {
        var e = Assert.Throws<OfpDecodeException>(() => Decode(hex));
        Assert.That(e!.Type, Is.AnyOf(ErrorType.BadInstruction, ErrorType.BadAction, ErrorType.BadRequest));
    }

    [Test]
    public void EveryPrefixOfTheDistinctListFailsOrIsABoundary()
    {
        var bytes = Convert.FromHexString(Encode(Distinct()));
        var boundaries = new HashSet<int>();
        for (var pos = 0; pos < bytes.Length; pos += (bytes[pos + 2] << 8) | bytes[pos + 3])
        {
            boundaries.Add(pos);
        }

        for (var n = 1; n < bytes.Length; n++)
        {
            if (boundaries.Contains(n))
            {
                Assert.That(Decode(Convert.ToHexString(bytes[..n])), Is.Not.Empty);
                continue;
            }

            var prefix = Convert.ToHexString(bytes[..n]);
            Assert.That(() => Decode(prefix), Throws.TypeOf<OfpDecodeException>(), $"prefix {n}");
        }
    }
}
