using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

public sealed class DumpedFlowTests
{
    [Test]
    public void Parse_LearnedFlow_SplitsStatsMatchAndActions()
    {
        var flow = DumpedFlow.Parse(
            " cookie=0x20000, duration=2.398s, table=20, n_packets=2, n_bytes=196, hard_timeout=300, priority=1,vlan_tci=0x0002/0x0fff,dl_dst=fa:da:d4:b7:20:f6 actions=load:0->NXM_OF_VLAN_TCI[],output:2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(flow.Cookie, Is.EqualTo(0x20000UL));
            Assert.That(flow.Table, Is.EqualTo(20));
            Assert.That(flow.Priority, Is.EqualTo(1));
            Assert.That(flow.Packets, Is.EqualTo(2));
            Assert.That(flow.Bytes, Is.EqualTo(196));
            Assert.That(flow.HardTimeout, Is.EqualTo(300));
            Assert.That(flow.Match, Is.EqualTo("vlan_tci=0x0002/0x0fff,dl_dst=fa:da:d4:b7:20:f6"));
            Assert.That(flow.Actions, Is.EqualTo("load:0->NXM_OF_VLAN_TCI[],output:2"));
            Assert.That(flow.Stable, Is.EqualTo(
                "cookie=0x20000, table=20, hard_timeout=300, priority=1,vlan_tci=0x0002/0x0fff,dl_dst=fa:da:d4:b7:20:f6 actions=load:0->NXM_OF_VLAN_TCI[],output:2"));
        }
    }

    [Test]
    public void Parse_DefaultPriorityWithoutMatch_Is32768AndEmptyMatch()
    {
        var flow = DumpedFlow.Parse("cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, actions=drop");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(flow.Priority, Is.EqualTo(32768));
            Assert.That(flow.Match, Is.Empty);
            Assert.That(flow.Actions, Is.EqualTo("drop"));
            Assert.That(flow.Stable, Is.EqualTo("cookie=0x0, table=0 actions=drop"));
        }
    }

    [Test]
    public void ParseDump_SkipsTheReplyHeader()
    {
        var flows = DumpedFlow.ParseDump("OFPST_FLOW reply (OF1.3) (xid=0x2):\n cookie=0x1, duration=0.1s, table=0, n_packets=0, n_bytes=0, priority=0 actions=drop\n");

        Assert.That(flows.Select(f => (f.Table, f.Priority, f.Actions)), Is.EqualTo(new[] { (0, 0, "drop") }));
    }
}
