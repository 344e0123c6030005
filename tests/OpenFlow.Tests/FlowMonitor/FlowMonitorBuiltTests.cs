using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Nicira;
using Tests.Shared;
using OpenFlow.Wire;

namespace OpenFlow.Tests.FlowMonitor;

/// <summary>
/// Flow monitor messages built in code with distinct non-default fields: they round-trip, and
/// <c>ovs-ofctl ofp-print</c> decodes our bytes to the same content (cancel, paused and resumed are
/// never sent by the switch in a capture we can provoke cheaply, so ofp-print is their oracle).
/// </summary>
public sealed class FlowMonitorBuiltTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("cancel", new NxFlowMonitorCancel { Xid = 0x51, Id = 0x1234 }, "ONFT_FLOW_MONITOR_CANCEL", "id=4660");
        yield return Case("paused", new NxFlowMonitorPaused { Xid = 0x52 }, "ONFT_FLOW_MONITOR_PAUSED");
        yield return Case("resumed", new NxFlowMonitorResumed { Xid = 0x53 }, "ONFT_FLOW_MONITOR_RESUMED");
        yield return Case("request", new MultipartRequest
        {
            Xid = 0x54,
            Body = new NxFlowMonitorRequest
            {
                Monitors =
                [
                    new NxFlowMonitorEntry { Id = 7, Flags = NxFlowMonitorFlags.Add | NxFlowMonitorFlags.Delete | NxFlowMonitorFlags.Modify, TableId = 0xff },
                    new NxFlowMonitorEntry { Id = 8, Flags = NxFlowMonitorFlags.Initial | NxFlowMonitorFlags.Add | NxFlowMonitorFlags.Actions | NxFlowMonitorFlags.Own, OutPort = 3, TableId = 21, Match = new Match(Oxm.InPort(1), Oxm.TunnelId(0x64)) },
                ],
            },
        }, "ONFST_FLOW_MONITOR request", "id=7 flags=add,delete,modify", "id=8 flags=initial,add,actions,own out_port=3 table=21 tun_id=0x64,in_port=1");
        yield return Case("reply", new MultipartReply
        {
            Xid = 0,
            Body = new NxFlowMonitorReply
            {
                Updates =
                [
                    new NxFlowUpdateFull
                    {
                        Kind = NxFlowUpdateEvent.Modified, Priority = 9, IdleTimeout = 11, HardTimeout = 12, TableId = 20, Cookie = new Cookie(0x10003),
                        Match = new Match(Oxm.InPort(2)), Instructions = [new ApplyActions(new PopVlanAction(), new OutputAction(4))],
                    },
                    new NxFlowUpdateFull { Kind = NxFlowUpdateEvent.Deleted, Reason = 1, Priority = 3, TableId = 2, Cookie = new Cookie(0x10004), Match = new Match(Oxm.TunnelId(0x65)) },
                    new NxFlowUpdateAbbrev(0xabcd),
                ],
            },
        }, "ONFST_FLOW_MONITOR reply", "event=MODIFIED table=20 idle_timeout=11 hard_timeout=12 cookie=0x10003 in_port=2 actions=pop_vlan,output:4",
            "event=DELETED reason=hard table=2 cookie=0x10004 tun_id=0x65", "event=ABBREV xid=0xabcd");
    }

    [TestCaseSource(nameof(Cases))]
    public void RoundTrips(OfpMessage message, string[] expect)
    {
        var bytes = MessageCodec.Encode(message);
        var decoded = MessageCodec.Decode(bytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(message));
            Assert.That(decoded.GetHashCode(), Is.EqualTo(message.GetHashCode()));
            Assert.That(MessageCodec.Encode(decoded), Is.EqualTo(bytes));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void OvsDecodesOurEncoding(OfpMessage message, string[] expect)
    {
        var text = OvsOfctl.OfpPrint(MessageCodec.Encode(message));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain("***"));
            foreach (var e in expect)
            {
                Assert.That(text, Does.Contain(e));
            }
        }
    }

    [Test]
    public void AnUnknownUpdateEventIsAnError()
    {
        var bytes = MessageCodec.Encode(new MultipartReply { Body = new NxFlowMonitorReply { Updates = [new NxFlowUpdateAbbrev(1)] } });
        bytes[^5] = 9; // event 3 -> 9
        Assert.That(() => MessageCodec.Decode(bytes), Throws.InstanceOf<OfpDecodeException>());
    }

    [Test]
    public void AMatchLenThatDisagreesWithTheMatchIsAnError()
    {
        var bytes = MessageCodec.Encode(new MultipartRequest { Body = new NxFlowMonitorRequest { Monitors = [new NxFlowMonitorEntry { Id = 1 }] } });
        bytes[24 + 7] = 8; // match_len 4 -> 8
        Assert.That(() => MessageCodec.Decode(bytes), Throws.InstanceOf<OfpDecodeException>());
    }

    private static TestCaseData Case(string name, OfpMessage m, params string[] expect) =>
        new TestCaseData(m, expect).SetName("BuiltFlowMonitor_" + name);
}
