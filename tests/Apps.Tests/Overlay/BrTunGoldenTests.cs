using Apps.Overlay;
using Apps.Flows;
using Apps.Model;
using OpenFlow.Wire;
using static Apps.Tests.Topology;

namespace Apps.Tests.Overlay;

/// <summary>The pipeline's FLOW_MODs are byte-identical to what ovs-ofctl encodes for the same flows.</summary>
public sealed class BrTunGoldenTests
{
    private static readonly SwitchSnapshot Host1Switch = new(0x1,
    [
        new SwitchPort(1, "patch-int", default),
        new SwitchPort(2, "vxlan-0a000002", default),
        new SwitchPort(3, "gre-0a000002", default),
        new SwitchPort(4, "vxlan-0a000003", default),
        new SwitchPort(5, "gre-0a000003", default),
    ]);

    [Test]
    public void Host1Flows_EncodeExactlyAsOvsOfctlDoes()
    {
        var desired = new BrTunPipeline().ComputeDesired(ThreeHosts(), Host1Switch);

        var ours = desired.Select(f => Convert.ToHexStringLower(MessageCodec.Encode(FlowMods.Add(f) with { Xid = 1 })));

        Assert.That(ours, Is.EquivalentTo(BrTunGolden.Host1.Select(g => g.Hex)));
    }

    [Test]
    public void Host1Flows_DecodedFromOvsBytes_AreTheDesiredFlows()
    {
        var desired = new BrTunPipeline().ComputeDesired(ThreeHosts(), Host1Switch);

        var fromOvs = BrTunGolden.Host1.Select(g => FlowEntryOf((OpenFlow.Messages.FlowMod)MessageCodec.Decode(Convert.FromHexString(g.Hex))));

        Assert.That(fromOvs, Is.EquivalentTo(desired));
    }

    private static FlowEntry FlowEntryOf(OpenFlow.Messages.FlowMod m) => new()
    {
        TableId = m.TableId,
        Priority = m.Priority,
        Cookie = m.Cookie,
        IdleTimeout = m.IdleTimeout,
        HardTimeout = m.HardTimeout,
        Flags = m.Flags,
        Match = m.Match,
        Instructions = m.Instructions,
    };
}
