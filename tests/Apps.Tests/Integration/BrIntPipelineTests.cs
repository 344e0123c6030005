using Apps.Flows;
using Apps.Integration;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Tests.Integration;

public sealed class BrIntPipelineTests
{
    private static readonly SwitchSnapshot BrInt = new(0x17, [new SwitchPort(1, "patch-tun", default), new SwitchPort(2, "tap-a1", default)]);

    [Test]
    public void Flows_AreNormalAtTheBottom_AndADeadVlanDropOnTop_UnderTheBrIntCookie()
    {
        var flows = new BrIntPipeline().ComputeDesired(Topology.ThreeHosts(), BrInt).OrderBy(f => f.Priority).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flows, Has.Count.EqualTo(2));
            Assert.That(FlowText.Format(flows[0]), Does.Contain("priority=0").And.Contain("NORMAL"));
            Assert.That(flows[0].Match, Is.EqualTo(Match.Empty));
            Assert.That(flows[0].Instructions.Single(), Is.EqualTo(new ApplyActions(new OutputAction(OfpPort.Normal, 0))));
            Assert.That(flows[1].Priority, Is.EqualTo(65535));
            Assert.That(flows[1].Match, Is.EqualTo(Match.Canonical(Oxm.VlanVid(VlanVid.Tagged(4095)))));
            Assert.That(flows[1].Instructions, Is.Empty, "drop");
            Assert.That(flows.All(f => AppId.BrInt.Owns(f.Cookie)), Is.True);
            Assert.That(flows.All(f => !AppId.BrTun.Owns(f.Cookie) && !AppId.L2Learning.Owns(f.Cookie)), Is.True);
        }
    }

    [Test]
    public void Flows_FitTheTableSchema()
    {
        foreach (var f in new BrIntPipeline().ComputeDesired(Topology.ThreeHosts(), BrInt))
        {
            Assert.That(FlowSchemaCheck.Problems(f, BrIntPipeline.Tables), Is.Empty, FlowText.Format(f));
        }
    }

    [Test]
    public void Recognises_ThePatchTunPort_ByItsConfiguredName()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new BrIntPipeline().Recognises(BrInt), Is.True);
            Assert.That(new BrIntPipeline().Recognises(new SwitchSnapshot(1, [new SwitchPort(1, "patch-int", default)])), Is.False);
            Assert.That(new BrIntPipeline(new BrIntOptions { PatchTunPortName = "to-tun" }).Recognises(BrInt), Is.False);
            Assert.That(new BrIntPipeline(new BrIntOptions { PatchTunPortName = "to-tun" }).Recognises(new SwitchSnapshot(1, [new SwitchPort(7, "to-tun", default)])), Is.True);
        }
    }
}
