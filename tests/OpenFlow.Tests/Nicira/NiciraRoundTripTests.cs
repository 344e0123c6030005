using OpenFlow.Actions;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Tests.Actions;
using OpenFlow.Wire;
using Tests.Shared;

namespace OpenFlow.Tests.Nicira;

/// <summary>Every Nicira type with every field set to a distinct non-default value survives encode/decode.</summary>
public sealed class NiciraRoundTripTests
{
    private static readonly NxmHeader OnfExperimenterField = new(OxmClass.Experimenter, 42, 6, false, 0x4f4e4600);

    private static IEnumerable<TestCaseData> Distinct()
    {
        yield return new TestCaseData(new NxResubmit(0x1234)).SetName("rt_resubmit");
        yield return new TestCaseData(new NxResubmit(0x1234, 0x56)).SetName("rt_resubmit_table");
        yield return new TestCaseData(new NxRegLoad(NxmHeader.NxmNxReg(4), 5, 10, 0x3ff)).SetName("rt_reg_load");
        yield return new TestCaseData(new NxRegLoad(NxmHeader.NxmNxTunId, 3, 61, 0x1122334455667788 >> 3)).SetName("rt_reg_load_wide");
        yield return new TestCaseData(new NxRegMove(NxmHeader.NxmNxReg(2), 3, NxmHeader.NxmNxReg(5), 7, 9)).SetName("rt_reg_move");
        yield return new TestCaseData(new NxRegMove(OnfExperimenterField, 1, NxmHeader.NxmNxReg(6), 2, 3)).SetName("rt_reg_move_experimenter_header");
        yield return new TestCaseData(new NxNote(new byte[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0xa })).SetName("rt_note");
        yield return new TestCaseData(new NxNote(default)).SetName("rt_note_empty");
        yield return new TestCaseData(new NxLearn
        {
            IdleTimeout = 0x0101,
            HardTimeout = 0x0202,
            Priority = 0x0303,
            Cookie = 0x0404040404040404,
            Flags = NxLearnFlags.SendFlowRem | NxLearnFlags.DeleteLearned,
            TableId = 0x05,
            FinIdleTimeout = 0x0606,
            FinHardTimeout = 0x0707,
            Specs =
            [
                NxLearnSpec.MatchField(NxmHeader.NxmNxReg(1), 2, NxmHeader.NxmNxReg(3), 4, 5),
                NxLearnSpec.MatchValue(NxmHeader.NxmNxReg(6), 7, 17, 0x1abcd),
                NxLearnSpec.LoadField(NxmHeader.NxmNxReg(8), 9, NxmHeader.NxmNxReg(10), 11, 12),
                NxLearnSpec.LoadValue(0x1f, NxmHeader.NxmNxReg(13), 14, 5),
                NxLearnSpec.OutputField(NxmHeader.NxmNxReg(15), 1, 16),
            ],
        }).SetName("rt_learn");

        // OVS refuses a learned match on tcp_flags without its prerequisites, so this one is round-trip only.
        yield return new TestCaseData(new NxLearn { Specs = [NxLearnSpec.MatchField(OnfExperimenterField, 0, OnfExperimenterField, 0, 12)] })
            .SetName("rt_learn_experimenter_header").SetProperty("OvsRejects", "prerequisites");
    }

    [TestCaseSource(nameof(Distinct))]
    public void RoundTrips(OfpAction action)
    {
        var hex = ActionWire.Encode(action);
        var decoded = ActionWire.DecodeOne(hex);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(action));
            Assert.That(ActionWire.Encode(decoded), Is.EqualTo(hex));
            Assert.That(hex.Length / 2 % 8, Is.Zero);
        }
    }

    private static IEnumerable<TestCaseData> OvsValid() => Distinct().Where(t => !t.Properties.ContainsKey("OvsRejects"));

    [TestCaseSource(nameof(OvsValid))]
    public void OvsAcceptsOurEncoding(OfpAction action)
    {
        var output = OvsOfctl.ParseActions(ActionWire.Encode(action));
        Assert.That(output, Does.StartWith("actions=").And.Not.Contain("bad "));
    }

    [TestCaseSource(nameof(Distinct))]
    public void EveryProperPrefixFails(OfpAction action)
    {
        var bytes = Convert.FromHexString(ActionWire.Encode(action));
        for (var n = 1; n < bytes.Length; n++)
        {
            var prefix = Convert.ToHexString(bytes[..n]);
            Assert.That(() => ActionWire.Decode(prefix), Throws.TypeOf<OfpDecodeException>(), $"prefix {n}");
        }
    }

    [Test]
    public void RandomMutationsOnlyThrowDecodeExceptions()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var vectors = Distinct().Select(t => Convert.FromHexString(ActionWire.Encode((OfpAction)t.Arguments[0]!)))
            .Append(Convert.FromHexString(NiciraActionTests.BrTunLearnHex)).ToArray();
        var failures = 0;
        for (var i = 0; i < 20000; i++)
        {
            var b = (byte[])vectors[rng.Next(vectors.Length)].Clone();
            for (var k = rng.Next(1, 4); k > 0; k--)
            {
                b[rng.Next(b.Length)] = (byte)rng.Next(256);
            }

            try
            {
                var list = ActionWire.Decode(Convert.ToHexString(b));
                Assert.That(ActionWire.Encode([.. list]), Has.Length.EqualTo(b.Length * 2), $"seed {seed}: re-encoding changes the length");
            }
            catch (OfpDecodeException)
            {
                failures++;
            }
        }

        Assert.That(failures, Is.GreaterThan(0), $"seed {seed}");
    }

    [Test]
    public void InvalidConstructionIsRejected()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new NxRegLoad(NxmHeader.NxmNxReg(0), 0, 65, 1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new NxRegLoad(OnfExperimenterField, 0, 8, 1), Throws.ArgumentException);
            Assert.That(() => NxLearnSpec.MatchValue(NxmHeader.NxmNxReg(0), 0, 0, 1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => NxLearnSpec.MatchValue(NxmHeader.NxmNxReg(0), 0, 32, new Octets(new byte[3])), Throws.ArgumentException);
            Assert.That(() => NxmHeader.NxmNxReg(16), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public void HeaderWidths()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NxmHeader.OxmOfVlanVid.BitWidth, Is.EqualTo(12));
            Assert.That(NxmHeader.NxmOfVlanTci.BitWidth, Is.EqualTo(16));
            Assert.That(NxmHeader.NxmNxTunId.BitWidth, Is.EqualTo(64));
            Assert.That(NxmHeader.OxmOfInPort.BitWidth, Is.EqualTo(32));
            Assert.That(OnfExperimenterField.BitWidth, Is.EqualTo(16));
            Assert.That(OnfExperimenterField.WireLength, Is.EqualTo(8));
            Assert.That(NxmHeader.ForOxm(OxmBasic.EthDst).Raw, Is.EqualTo(0x80000606u));
            Assert.That(new NxmHeader(0x0000050c).Unmasked, Is.EqualTo(NxmHeader.NxmOfEthSrc));
        }
    }
}
