using System.Buffers.Binary;
using OpenFlow.Messages;
using OpenFlow.Wire;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>
/// Every FLOW_MOD in flows.txt (written by ovs-ofctl, see regen.sh) decodes, re-encodes to the same
/// bytes, and fails cleanly when any of its TLVs is cut short or overruns its parent.
/// </summary>
public sealed class GoldenFlowTests
{
    private static IEnumerable<TestCaseData> Vectors() =>
        GoldenFlowFile.All.Select(f => new TestCaseData(f).SetName("golden_" + f.Name));

    [Test]
    public void ThereAreEnoughDistinctVectors()
    {
        Assert.That(GoldenFlowFile.All.Select(f => f.Hex).Distinct().Count(), Is.GreaterThanOrEqualTo(80));
        Assert.That(GoldenFlowFile.All.Select(f => f.Name).Distinct().Count(), Is.EqualTo(GoldenFlowFile.All.Count));
    }

    [TestCaseSource(nameof(Vectors))]
    public void DecodeThenEncodeIsIdentical(GoldenFlow flow)
    {
        var message = MessageCodec.Decode(flow.Bytes);
        Assert.That(message, Is.TypeOf<FlowMod>());
        Assert.That(Convert.ToHexStringLower(MessageCodec.Encode(message)), Is.EqualTo(flow.Hex));
    }

    [TestCaseSource(nameof(Vectors))]
    public void DecodedFlowModEqualsItsReDecode(GoldenFlow flow)
    {
        var a = MessageCodec.Decode(flow.Bytes);
        var b = MessageCodec.Decode(MessageCodec.Encode(a));
        Assert.That(b, Is.EqualTo(a));
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixOfTheMatchFails(GoldenFlow flow)
    {
        var bytes = flow.Bytes;
        var matchLen = (BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(50)) + 7) / 8 * 8;
        var match = bytes.AsSpan(48, matchLen).ToArray();
        for (var n = 0; n < match.Length; n++)
        {
            var prefix = match[..n];
            Assert.That(() => ReadMatch(prefix), Throws.TypeOf<OfpDecodeException>(), $"match prefix {n}");
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixOfEachInstructionAndActionFails(GoldenFlow flow)
    {
        foreach (var (start, len) in InstructionSpans(flow.Bytes))
        {
            var inst = flow.Bytes.AsSpan(start, len).ToArray();
            for (var n = 1; n < inst.Length; n++)
            {
                var prefix = inst[..n];
                Assert.That(() => ReadInstructions(prefix), Throws.TypeOf<OfpDecodeException>(), $"instruction at {start}, prefix {n}");
            }

            foreach (var (aStart, aLen) in ActionSpans(inst))
            {
                var action = inst.AsSpan(aStart, aLen).ToArray();
                for (var n = 1; n < action.Length; n++)
                {
                    var prefix = action[..n];
                    Assert.That(() => ReadActions(prefix), Throws.TypeOf<OfpDecodeException>(), $"action at {start + aStart}, prefix {n}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryTruncatedMessageFails(GoldenFlow flow)
    {
        // The message cut at every length, with the header length patched to match: the match or an
        // instruction overruns the message unless the cut falls exactly on an instruction boundary.
        var bytes = flow.Bytes;
        var boundaries = InstructionSpans(bytes).Select(s => s.Start).Append(bytes.Length).ToHashSet();
        for (var n = 8; n < bytes.Length; n++)
        {
            if (boundaries.Contains(n))
            {
                continue;
            }

            var cut = bytes[..n];
            BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), (ushort)n);
            Assert.That(() => MessageCodec.Decode(cut), Throws.TypeOf<OfpDecodeException>(), $"cut at {n}");
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void NestedLengthsOverrunningTheParentFail(GoldenFlow flow)
    {
        var bytes = flow.Bytes;
        foreach (var (start, len) in InstructionSpans(bytes))
        {
            // Instruction claims 8 more bytes than the message has left.
            var longer = (byte[])bytes.Clone();
            var remaining = bytes.Length - start;
            BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(start + 2), (ushort)(remaining + 8));
            Assert.That(() => MessageCodec.Decode(longer), Throws.TypeOf<OfpDecodeException>(), $"instruction at {start}");

            foreach (var (aStart, aLen) in ActionSpans(bytes.AsSpan(start, len).ToArray()))
            {
                // Action claims 8 more bytes than its instruction has left.
                var bad = (byte[])bytes.Clone();
                var left = len - aStart;
                BinaryPrimitives.WriteUInt16BigEndian(bad.AsSpan(start + aStart + 2), (ushort)(left + 8));
                Assert.That(() => MessageCodec.Decode(bad), Throws.TypeOf<OfpDecodeException>(), $"action at {start + aStart}");

                // Zero-length action.
                var zero = (byte[])bytes.Clone();
                BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(start + aStart + 2), 0);
                Assert.That(() => MessageCodec.Decode(zero), Throws.TypeOf<OfpDecodeException>(), $"zero-length action at {start + aStart}");
            }

            // Zero-length instruction.
            var z = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(z.AsSpan(start + 2), 0);
            Assert.That(() => MessageCodec.Decode(z), Throws.TypeOf<OfpDecodeException>(), $"zero-length instruction at {start}");
        }

        // Match length pointing past the message.
        var m = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(50), (ushort)(bytes.Length - 48 + 1));
        Assert.That(() => MessageCodec.Decode(m), Throws.TypeOf<OfpDecodeException>(), "match overruns");
    }

    private static void ReadMatch(byte[] b)
    {
        var r = new OfpReader(b);
        OpenFlow.Matching.Match.Read(ref r);
    }

    private static void ReadInstructions(byte[] b)
    {
        var r = new OfpReader(b);
        OpenFlow.Instructions.OfpInstruction.ReadList(ref r);
    }

    private static void ReadActions(byte[] b)
    {
        var r = new OfpReader(b);
        OpenFlow.Actions.OfpAction.ReadList(ref r);
    }

    /// <summary>(start, length) of each instruction in a FLOW_MOD.</summary>
    internal static List<(int Start, int Length)> InstructionSpans(byte[] flowMod)
    {
        var list = new List<(int, int)>();
        var pos = 48 + ((BinaryPrimitives.ReadUInt16BigEndian(flowMod.AsSpan(50)) + 7) / 8 * 8);
        while (pos < flowMod.Length)
        {
            var len = BinaryPrimitives.ReadUInt16BigEndian(flowMod.AsSpan(pos + 2));
            list.Add((pos, len));
            pos += len;
        }

        return list;
    }

    /// <summary>(offset in the instruction, length) of each action of an apply/write-actions instruction.</summary>
    internal static List<(int Start, int Length)> ActionSpans(byte[] instruction)
    {
        var list = new List<(int, int)>();
        var type = BinaryPrimitives.ReadUInt16BigEndian(instruction);
        if (type is not (3 or 4))
        {
            return list;
        }

        for (var pos = 8; pos < instruction.Length;)
        {
            var len = BinaryPrimitives.ReadUInt16BigEndian(instruction.AsSpan(pos + 2));
            list.Add((pos, len));
            pos += len;
        }

        return list;
    }
}
