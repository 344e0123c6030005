using OpenFlow.Messages;
using Tests.Shared;
using OpenFlow.Wire;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>FLOW_MODs built through the public API encode to OVS's bytes and are accepted by <c>ovs-ofctl ofp-print</c>.</summary>
public sealed class BuiltFlowTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        BuiltFlows.All.Keys.Select(n => new TestCaseData(n).SetName("built_" + n));

    [Test]
    public void EveryBrTunFlowIsBuilt()
    {
        var brtun = GoldenFlowFile.All.Where(f => f.Name.StartsWith("brtun_", StringComparison.Ordinal)).Select(f => f.Name);
        Assert.That(BuiltFlows.All.Keys, Is.SupersetOf(brtun));
    }

    [TestCaseSource(nameof(Cases))]
    public void EncodesToTheOvsBytes(string name)
    {
        Assert.That(Convert.ToHexStringLower(MessageCodec.Encode(BuiltFlows.All[name])), Is.EqualTo(GoldenFlowFile.Get(name).Hex));
    }

    [TestCaseSource(nameof(Cases))]
    public void OvsBytesDecodeToTheBuiltObject(string name)
    {
        Assert.That(MessageCodec.Decode(GoldenFlowFile.Get(name).Bytes), Is.EqualTo(BuiltFlows.All[name]));
    }

    [Test]
    public void EncodeDoesNotAllocate()
    {
        var flow = BuiltFlows.All["brtun_t10_learn"];
        var buffer = new byte[1024];
        MessageCodec.Encode(flow, buffer);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var w = new OfpWriter(buffer);
            foreach (var inst in flow.Instructions)
            {
                inst.Write(ref w);
            }

            flow.Match.Write(ref w);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [TestCaseSource(nameof(Cases))]
    public void OvsOfpPrintAcceptsOurEncoding(string name)
    {
        var hex = Convert.ToHexStringLower(MessageCodec.Encode(BuiltFlows.All[name]));
        var output = OvsOfctl.OfpPrint(hex);
        var expected = GoldenFlowFile.Get(name).OvsText;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(output, Does.Not.Contain("***"));
            Assert.That(output, Does.Contain("OFPT_FLOW_MOD (OF1.3)"));

            // ofp-print of our bytes describes the flow the way OVS described its own encoding.
            var body = expected[(expected.IndexOf("ADD", StringComparison.Ordinal) + 3)..].Trim();
            Assert.That(output, Does.Contain(body));
        }
    }
}
