using Apps.Flows;
using Apps.L2;
using Apps.Model;
using Apps.Tests.Fakes;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Tests.L2;

public sealed class L2LearningSwitchTests
{
    private const ulong Dpid = 0x42;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly MacAddress H1 = MacAddress.Parse("00:00:00:00:00:01");
    private static readonly MacAddress H2 = MacAddress.Parse("00:00:00:00:00:02");

    private static byte[] Frame(MacAddress dst, MacAddress src, ushort ethType = 0x0800)
    {
        var b = new byte[60];
        dst.Write(b);
        src.Write(b.AsSpan(6));
        b[12] = (byte)(ethType >> 8);
        b[13] = (byte)ethType;
        return b;
    }

    [Test]
    public void Desired_IsTheTableMissFlowToTheController()
    {
        var app = new L2LearningSwitch();

        var flows = app.ComputeDesired(NetworkSnapshot.Empty, new SwitchSnapshot(Dpid, []));

        Assert.That(flows.Single(), Is.EqualTo(new FlowEntry
        {
            TableId = 0,
            Priority = 0,
            Cookie = AppId.L2Learning.Cookie(0),
            Instructions = [new ApplyActions(new OutputAction(OfpPort.Controller, 0xffff))],
        }));
    }

    [Test]
    public void UnknownDestination_IsFloodedWithTheDataAndTheSourceLearned()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        var frame = Frame(H2, H1);

        var d = app.HandlePacketIn(tables, Dpid, 1, frame, OfpConstants.NoBuffer, T0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(d.Ignored, Is.Null);
            Assert.That(d.LearnedSource, Is.True);
            Assert.That(d.Flow, Is.Null);
            Assert.That(d.Messages, Is.EqualTo(new OfpMessage[]
            {
                new PacketOut { BufferId = OfpConstants.NoBuffer, InPort = 1, Actions = [new OutputAction(OfpPort.Flood, 0)], Data = frame },
            }));
            Assert.That(tables.TryGet(Dpid, H1, out var e) ? e.Port : 0, Is.EqualTo(1u));
        }
    }

    [Test]
    public void KnownDestination_InstallsAPriority1FlowAndSendsThePacket()
    {
        var app = new L2LearningSwitch(new L2LearningOptions { FlowIdleTimeout = 30 });
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);
        var reply = Frame(H1, H2);

        var d = app.HandlePacketIn(tables, Dpid, 2, reply, OfpConstants.NoBuffer, T0.AddSeconds(1));

        var expectedFlow = new FlowEntry
        {
            TableId = 0,
            Priority = 1,
            Cookie = app.ReactiveCookie,
            IdleTimeout = 30,
            Match = Match.Canonical(Oxm.InPort(2), Oxm.EthDst(H1), Oxm.EthSrc(H2)),
            Instructions = [new ApplyActions(new OutputAction(1, 0))],
        };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(d.OutPort, Is.EqualTo(1u));
            Assert.That(d.Flow, Is.EqualTo(expectedFlow));
            Assert.That(d.Messages, Is.EqualTo(new OfpMessage[]
            {
                FlowMods.Add(expectedFlow),
                new PacketOut { InPort = 2, Actions = [new OutputAction(1, 0)], Data = reply },
            }));
            Assert.That(app.PreservedCookies, Does.Contain(app.ReactiveCookie.Value));
        }
    }

    [Test]
    public void BufferedPacketToKnownDestination_GetsOnlyTheFlowModCarryingTheBuffer()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);

        var d = app.HandlePacketIn(tables, Dpid, 2, Frame(H1, H2), 77, T0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(d.PacketOut, Is.Null);
            Assert.That(d.Messages.Single(), Is.InstanceOf<FlowMod>());
            Assert.That(((FlowMod)d.Messages.Single()).BufferId, Is.EqualTo(77u));
        }
    }

    [Test]
    public void BufferedFlood_UsesTheBufferAndNoData()
    {
        var d = new L2LearningSwitch().HandlePacketIn(new L2MacTables(), Dpid, 3, Frame(MacAddress.Broadcast, H1), 12, T0);

        Assert.That(d.PacketOut, Is.EqualTo(new PacketOut { BufferId = 12, InPort = 3, Actions = [new OutputAction(OfpPort.Flood, 0)] }));
    }

    [Test]
    public void TablesArePerSwitch()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);

        var other = app.HandlePacketIn(tables, Dpid + 1, 2, Frame(H1, H2), OfpConstants.NoBuffer, T0);

        Assert.That(other.OutPort, Is.EqualTo(OfpPort.Flood));
    }

    [Test]
    public void MacMove_IsReportedAndUsed()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);
        var again = app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);
        var moved = app.HandlePacketIn(tables, Dpid, 4, Frame(H2, H1), OfpConstants.NoBuffer, T0);

        var d = app.HandlePacketIn(tables, Dpid, 2, Frame(H1, H2), OfpConstants.NoBuffer, T0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.LearnedSource, Is.False);
            Assert.That(moved.LearnedSource, Is.True);
            Assert.That(d.OutPort, Is.EqualTo(4u));
        }
    }

    [Test]
    public void Lldp_Short_AndHairpin_AreIgnored()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.HandlePacketIn(tables, Dpid, 5, Frame(MacAddress.Parse("01:80:c2:00:00:0e"), H2, 0x88cc), OfpConstants.NoBuffer, T0).Messages, Is.Empty);
            Assert.That(app.HandlePacketIn(tables, Dpid, 5, new byte[10], OfpConstants.NoBuffer, T0).Messages, Is.Empty);
            Assert.That(app.HandlePacketIn(tables, Dpid, 1, Frame(H1, MacAddress.Parse("00:00:00:00:00:09")), OfpConstants.NoBuffer, T0).Messages, Is.Empty);
        }
    }

    [Test]
    public void MacAgeing_ForgetsStaleEntriesUsingTheClockPassedIn()
    {
        var app = new L2LearningSwitch(new L2LearningOptions { MacAgeing = TimeSpan.FromSeconds(60) });
        var tables = new L2MacTables();
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);

        var fresh = app.HandlePacketIn(tables, Dpid, 2, Frame(H1, H2), OfpConstants.NoBuffer, T0.AddSeconds(59));
        var stale = app.HandlePacketIn(tables, Dpid, 2, Frame(H1, H2), OfpConstants.NoBuffer, T0.AddSeconds(61));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fresh.OutPort, Is.EqualTo(1u));
            Assert.That(stale.OutPort, Is.EqualTo(OfpPort.Flood));
        }
    }

    [Test]
    public void DecodedPacketIn_TakesInPortFromTheMatch()
    {
        var app = new L2LearningSwitch();
        var pin = new PacketIn { BufferId = OfpConstants.NoBuffer, Match = Match.Canonical(Oxm.InPort(6)), Data = Frame(H2, H1) };

        var d = app.HandlePacketIn(new L2MacTables(), Dpid, pin, T0);

        Assert.That(d.PacketOut!.InPort, Is.EqualTo(6u));
    }

    [Test]
    public void InAFakeTable_UnknownTrafficGoesToTheController_AndTheReactiveFlowTakesOver()
    {
        var app = new L2LearningSwitch();
        var tables = new L2MacTables();
        var table = new FakeFlowTable(app.ComputeDesired(NetworkSnapshot.Empty, new SwitchSnapshot(Dpid, [])));
        var packet = new FakePacket(2, H2, H1);

        var before = table.Process(packet);
        app.HandlePacketIn(tables, Dpid, 1, Frame(H2, H1), OfpConstants.NoBuffer, T0);
        table.Add(app.HandlePacketIn(tables, Dpid, 2, Frame(H1, H2), OfpConstants.NoBuffer, T0).Flow!);
        var after = table.Process(packet);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before.Select(o => o.Port), Is.EqualTo(new[] { OfpPort.Controller }));
            Assert.That(after.Select(o => o.Port), Is.EqualTo(new[] { 1u }));
            Assert.That(table.Process(new FakePacket(3, H2, H1)).Select(o => o.Port), Is.EqualTo(new[] { OfpPort.Controller }), "the flow is per in_port");
        }
    }

    [TestCase(OfpConstants.NoBuffer)]
    [TestCase(0x42u)]
    public void The_in_place_answers_are_the_bytes_of_the_decision_s_messages(uint bufferId)
    {
        var app = new L2LearningSwitch(new L2LearningOptions { FlowIdleTimeout = 30, FlowHardTimeout = 600 });
        var objects = new L2MacTables();
        var inPlace = new L2MacTables();
        foreach (var (dst, src, inPort) in new[] { (H2, H1, 1u), (H1, H2, 2u), (H2, H1, 1u), (MacAddress.Broadcast, H2, 2u) })
        {
            var frame = Frame(dst, src);
            var decision = app.HandlePacketIn(objects, Dpid, inPort, frame, bufferId, T0);
            var verdict = app.Decide(inPlace, Dpid, inPort, frame, T0);

            var written = new List<byte[]>();
            if (verdict.IsForward)
            {
                var flowAdd = new byte[L2LearningSwitch.FlowAddLength];
                app.WriteFlowAdd(flowAdd, 0, verdict, inPort, bufferId);
                written.Add(flowAdd);
            }

            if (!(verdict.IsForward && bufferId != OfpConstants.NoBuffer))
            {
                var packetOut = new byte[L2LearningSwitch.PacketOutLength(bufferId == OfpConstants.NoBuffer ? frame.Length : 0)];
                L2LearningSwitch.WritePacketOut(packetOut, 0, verdict, inPort, bufferId, frame);
                written.Add(packetOut);
            }

            Assert.That(written, Is.EqualTo(decision.Messages.Select(m => OpenFlow.Wire.MessageCodec.Encode(m)).ToList()), $"{src} -> {dst} on port {inPort}");
            Assert.That(verdict.OutPort, Is.EqualTo(decision.OutPort));
        }
    }
}
