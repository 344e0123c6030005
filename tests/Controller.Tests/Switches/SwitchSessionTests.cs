using Microsoft.Extensions.Time.Testing;
using Tests.Shared;
using Controller.Switches;
using DotNetty.Handlers.Timeout;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Controller.Tests.Switches;

[TestFixture]
public sealed class SwitchSessionTests
{
    private static readonly Port[] TwoPorts = [FakeSwitch.MakePort(1, "p1"), FakeSwitch.MakePort(2, "p2"), FakeSwitch.MakePort(OfpPort.Local, "br0")];

    private static List<SwitchEvent> Drain(SwitchEventSubscription sub)
    {
        var list = new List<SwitchEvent>();
        while (sub.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    [Test]
    public void HandshakeSendsTheExpectedSequenceAndPublishesTheSwitch()
    {
        var registry = FakeSwitch.NewRegistry();
        using var events = registry.Subscribe("test");
        using var sw = new FakeSwitch(registry);

        var hello = sw.Receive<Hello>();
        Assert.That(hello.Supports(OfpConstants.Version), Is.True);
        sw.Send(Hello.ForOpenFlow13(100));
        var fr = sw.Receive<FeaturesRequest>();
        sw.Send(new FeaturesReply { Xid = fr.Xid, DatapathId = new DatapathId(0xabcdef), NTables = 254 });
        var config = sw.Receive<SetConfig>();
        var pd = sw.Receive<MultipartRequest>();
        Assert.That(pd.Body, Is.InstanceOf<PortDescRequest>());
        sw.Send(new MultipartReply { Xid = pd.Xid, Flags = MultipartFlags.More, Body = new PortDescReply { Ports = [TwoPorts[2]] } });
        Assert.That(sw.Receive(), Is.Null, "waits for the last PORT_DESC part");
        sw.Send(new MultipartReply { Xid = pd.Xid, Body = new PortDescReply { Ports = [TwoPorts[1], TwoPorts[0]] } });
        var role = sw.Receive<RoleRequest>();
        Assert.That(registry.Find(0xabcdef), Is.Null, "not published before ROLE_REPLY");
        sw.Send(new RoleReply { Xid = role.Xid, Role = ControllerRole.Master, GenerationId = role.GenerationId });

        var info = registry.Find(0xabcdef);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.MissSendLen, Is.EqualTo((ushort)0xffff));
            Assert.That(role.Role, Is.EqualTo(ControllerRole.Master));
            Assert.That(role.GenerationId, Is.GreaterThan(0UL));
            Assert.That(info, Is.Not.Null);
            Assert.That(info!.Ports.Select(p => p.PortNo), Is.EqualTo(new[] { 1u, 2u, OfpPort.Local }));
            Assert.That(info.Ports[0].Name, Is.EqualTo("p1"));
            Assert.That(info.Role, Is.EqualTo("master"));
            Assert.That(sw.Session.IsActive, Is.True);
            Assert.That(Drain(events), Is.EqualTo(new SwitchEvent[] { new SwitchConnected(sw.Session) }));
        }
    }

    [Test]
    public void RoleGenerationIdsIncrease()
    {
        var registry = FakeSwitch.NewRegistry();
        ulong Gen(ulong dpid)
        {
            using var sw = new FakeSwitch(registry);
            sw.Receive<Hello>();
            sw.Send(Hello.ForOpenFlow13());
            sw.Send(new FeaturesReply { Xid = sw.Receive<FeaturesRequest>().Xid, DatapathId = new DatapathId(dpid) });
            sw.Receive<SetConfig>();
            sw.Send(new MultipartReply { Xid = sw.Receive<MultipartRequest>().Xid, Body = new PortDescReply() });
            return sw.Receive<RoleRequest>().GenerationId;
        }

        var a = Gen(1);
        var b = Gen(2);
        Assert.That(b, Is.GreaterThan(a));
    }

    [Test]
    public void HelloOfferingOnlyAnUnknownVersionGetsHelloFailedAndIsClosed()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Receive<Hello>();
        var bitmap = new byte[4];
        bitmap[3] = 1 << 7; // version 7 only
        sw.Send(new Hello { Version = 7, Xid = 55, Elements = [new HelloElement(Hello.VersionBitmapType, bitmap)] });
        var err = sw.Receive<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(err.ErrorType, Is.EqualTo(ErrorType.HelloFailed));
            Assert.That(err.Code, Is.EqualTo((ushort)HelloFailedCode.Incompatible));
            Assert.That(err.Xid, Is.EqualTo(55u));
            Assert.That(sw.Channel.Active, Is.False);
        }
    }

    [Test]
    public void OpenFlow10HelloWithoutBitmapIsRejected()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Receive<Hello>();
        sw.SendRaw([1, 0, 0, 8, 0, 0, 0, 9]);
        Assert.That(sw.Receive<ErrorMessage>().ErrorType, Is.EqualTo(ErrorType.HelloFailed));
        Assert.That(sw.Channel.Active, Is.False);
    }

    [Test]
    public void FlowModBeforeHelloGetsBadRequestAndIsClosed()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Receive<Hello>();
        sw.Send(new FlowMod { Xid = 77 });
        var err = sw.Receive<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(err.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(err.Xid, Is.EqualTo(77u));
            Assert.That(err.Data.Span[1], Is.EqualTo((byte)OfpType.FlowMod), "quotes the offending message");
            Assert.That(sw.Channel.Active, Is.False);
        }
    }

    [Test]
    public void EchoRequestIsAnsweredWithSameXidAndData()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(1, TwoPorts);
        sw.Send(new EchoRequest { Xid = 4242, Data = new byte[] { 9, 8, 7 } });
        Assert.That(sw.Receive(), Is.EqualTo(new EchoReply { Xid = 4242, Data = new byte[] { 9, 8, 7 } }));
    }

    [Test]
    public void ReaderIdleSendsEchoRequestAndClosesAfterEchoTimeout()
    {
        // DotNetty's idle handler fires the events; how long the switch has been silent is the session's
        // TimeProvider's, so fake time stands in for 20 s of silence.
        var time = new FakeTimeProvider();
        var options = new OpenFlowServerOptions { EchoInterval = TimeSpan.FromSeconds(5), EchoTimeout = TimeSpan.FromSeconds(15) };
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry(options), options, time: time);
        sw.Handshake(1, TwoPorts);

        time.Advance(TimeSpan.FromSeconds(5));
        sw.Channel.Pipeline.FireUserEventTriggered(IdleStateEvent.FirstReaderIdleStateEvent);
        var probe = sw.Receive<EchoRequest>();
        Assert.That(sw.Channel.Active, Is.True, "5 s of silence: probed, not dropped");

        sw.Send(new EchoReply { Xid = probe.Xid }); // the answer is a read: the silence starts again
        time.Advance(TimeSpan.FromSeconds(10));
        sw.Channel.Pipeline.FireUserEventTriggered(IdleStateEvent.ReaderIdleStateEvent);
        Assert.That(sw.Receive(), Is.InstanceOf<EchoRequest>());
        Assert.That(sw.Channel.Active, Is.True, "15 s since the handshake but 10 s since the echo reply");

        time.Advance(TimeSpan.FromSeconds(5));
        sw.Channel.Pipeline.FireUserEventTriggered(IdleStateEvent.ReaderIdleStateEvent);
        Assert.That(sw.Channel.Active, Is.False, "15 s without any message: dropped");
    }

    [Test]
    public void DecodeFailureIsAnsweredWithErrorAndConnectionStaysOpen()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(5, TwoPorts);
        byte[] bad = [4, 99, 0, 12, 0, 0, 0x12, 0x34, 1, 2, 3, 4];
        sw.SendRaw(bad);
        var err = sw.Receive<ErrorMessage>();
        byte[] truncated = [4, (byte)OfpType.RoleReply, 0, 12, 0, 0, 0, 9, 0, 0, 0, 2];
        sw.SendRaw(truncated);
        var err2 = sw.Receive<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(err.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(err.Code, Is.EqualTo((ushort)BadRequestCode.BadType));
            Assert.That(err.Xid, Is.EqualTo(0x1234u));
            Assert.That(err.Data.Span.ToArray(), Is.EqualTo(bad));
            Assert.That(err2.Code, Is.EqualTo((ushort)BadRequestCode.BadLen));
            Assert.That(sw.Channel.Active, Is.True);
            Assert.That(registry.Find(5), Is.Not.Null);
            Assert.That(registry.Find(5)!.Errors, Is.EqualTo(2));
        }

        sw.Send(new EchoRequest { Xid = 1 });
        Assert.That(sw.Receive(), Is.InstanceOf<EchoReply>());
    }

    [Test]
    public void FramingErrorClosesTheConnection()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(6, TwoPorts);
        sw.SendRaw([4, 2, 0, 6, 0, 0, 0, 0]);
        Assert.That(sw.Channel.Active, Is.False);
        Assert.That(registry.Find(6), Is.Null);
    }

    [Test]
    public async Task RepliesAreMatchedByXidEvenOutOfOrder()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(7, TwoPorts);
        var barrier = sw.Session.RequestAsync<BarrierReply>(new BarrierRequest());
        var config = sw.Session.RequestAsync<GetConfigReply>(new GetConfigRequest());
        var b = sw.Receive<BarrierRequest>();
        var c = sw.Receive<GetConfigRequest>();
        Assert.That(b.Xid, Is.Not.EqualTo(c.Xid));
        sw.Send(new GetConfigReply { Xid = c.Xid, MissSendLen = 123 });
        sw.Send(new BarrierReply { Xid = b.Xid });
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await config).MissSendLen, Is.EqualTo((ushort)123));
            Assert.That((await barrier).Xid, Is.EqualTo(b.Xid));
        }
    }

    [Test]
    public async Task ErrorIsMatchedToItsRequestAndPublished()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(8, TwoPorts);
        using var events = registry.Subscribe("t");
        Drain(events);
        var request = sw.Session.RequestAsync<GetConfigReply>(new GetConfigRequest());
        var sent = sw.Receive<GetConfigRequest>();
        sw.Send(ErrorMessage.For(ErrorType.BadRequest, (ushort)BadRequestCode.BadType, sent.Xid, MessageCodec.Encode(sent)));
        var ex = Assert.ThrowsAsync<OpenFlowErrorException>(async () => await request);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Error.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(ex.Error.Xid, Is.EqualTo(sent.Xid));
            Assert.That(ex.DatapathId, Is.EqualTo(new DatapathId(8)));
            Assert.That(Drain(events).OfType<SwitchError>().Single().Error.Xid, Is.EqualTo(sent.Xid));
        }

        await Task.CompletedTask;
    }

    [Test]
    public async Task SendWithBarrierCollectsTheBatchErrors()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Handshake(9, TwoPorts);
        var result = sw.Session.SendWithBarrierAsync([new FlowMod(), new FlowMod(), new FlowMod()]);
        var mods = new[] { sw.Receive<FlowMod>(), sw.Receive<FlowMod>(), sw.Receive<FlowMod>() };
        var barrier = sw.Receive<BarrierRequest>();
        Assert.That(mods.Select(m => m.Xid).Distinct().Count(), Is.EqualTo(3));
        sw.Send(ErrorMessage.For(ErrorType.FlowModFailed, (ushort)FlowModFailedCode.TableFull, mods[1].Xid, MessageCodec.Encode(mods[1])));
        sw.Send(new BarrierReply { Xid = barrier.Xid });
        var errors = await result;
        Assert.That(errors.Select(e => e.Xid), Is.EqualTo(new[] { mods[1].Xid }));
    }

    [Test]
    public async Task MultipartRepliesAreAssembled()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Handshake(10, TwoPorts);
        var dump = sw.Session.DumpFlowsAsync(0xff, 0x1234_0000_0000_0000UL, 0xffff_0000_0000_0000UL);
        var req = sw.Receive<MultipartRequest>();
        var body = (FlowStatsRequest)req.Body;
        sw.Send(new MultipartReply { Xid = req.Xid, Flags = MultipartFlags.More, Body = new FlowStatsReply { Flows = [new FlowStats { Priority = 1 }] } });
        sw.Send(new MultipartReply { Xid = req.Xid, Body = new FlowStatsReply { Flows = [new FlowStats { Priority = 2 }, new FlowStats { Priority = 3 }] } });
        var flows = await dump;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body.CookieMask, Is.EqualTo(0xffff_0000_0000_0000UL));
            Assert.That(body.Cookie.Value, Is.EqualTo(0x1234_0000_0000_0000UL));
            Assert.That(flows.Select(f => f.Priority), Is.EqualTo(new ushort[] { 1, 2, 3 }));
        }
    }

    [Test]
    public void RequestTimesOut()
    {
        var options = new OpenFlowServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(100) };
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry(options), options);
        sw.Handshake(11, TwoPorts);
        Assert.ThrowsAsync<TimeoutException>(() => sw.Session.BarrierAsync());
    }

    [Test]
    public void DisconnectFaultsPendingRequestsAndPublishesDisconnected()
    {
        var registry = FakeSwitch.NewRegistry();
        using var events = registry.Subscribe("t");
        using var sw = new FakeSwitch(registry);
        sw.Handshake(12, TwoPorts);
        var barrier = sw.Session.BarrierAsync();
        sw.Channel.CloseAsync().Wait();
        Assert.ThrowsAsync<SwitchDisconnectedException>(() => barrier);
        var ev = Drain(events);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ev.Select(e => e.GetType().Name), Is.EqualTo(new[] { nameof(SwitchConnected), nameof(SwitchDisconnected) }));
            Assert.That(registry.Find(12), Is.Null);
            Assert.That(sw.Session.IsActive, Is.False);
            Assert.That(() => sw.Session.SendAsync(new FlowMod()), Throws.InstanceOf<SwitchDisconnectedException>());
        }
    }

    [Test]
    public async Task SecondConnectionWithSameDatapathId_TakesOverOnlyWhenTheLiveOneDoesNotAnswerItsProbe()
    {
        var options = new OpenFlowServerOptions { TakeoverProbeTimeout = TimeSpan.FromMilliseconds(100) };
        var registry = FakeSwitch.NewRegistry(options);
        using var events = registry.Subscribe("t");
        using var first = new FakeSwitch(registry, options);
        first.Handshake(13, TwoPorts);
        using var second = new FakeSwitch(registry, options);
        second.Handshake(13, TwoPorts[..1]);
        Assert.That(first.Receive<EchoRequest>(), Is.Not.Null, "the live session is probed");

        // The first one stays silent: after the probe timeout the newcomer takes over.
        await PollAsync(() =>
        {
            second.Channel.RunPendingTasks();
            first.Channel.RunPendingTasks();
            return registry.Connections.Count == 1 && ReferenceEquals(registry.Connections[0], second.Session);
        });
        first.Channel.RunPendingTasks();
        var ev = Drain(events);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Channel.Active, Is.False, "old connection closed");
            Assert.That(second.Channel.Active, Is.True);
            Assert.That(registry.Find(13)!.Ports, Has.Count.EqualTo(1));
            Assert.That(ev, Is.EqualTo(new SwitchEvent[]
            {
                new SwitchConnected(first.Session),
                new SwitchDisconnected(new DatapathId(13), first.Session),
                new SwitchConnected(second.Session),
            }));
        }
    }

    [Test]
    public async Task SecondConnectionWithSameDatapathId_IsRefusedWhileTheLiveOneAnswers()
    {
        var options = new OpenFlowServerOptions { TakeoverProbeTimeout = TimeSpan.FromSeconds(5) };
        var registry = FakeSwitch.NewRegistry(options);
        using var events = registry.Subscribe("t");
        using var live = new FakeSwitch(registry, options);
        live.Handshake(23, TwoPorts);
        using var impostor = new FakeSwitch(registry, options);
        impostor.Handshake(23, TwoPorts[..1]);
        var probe = live.Receive<EchoRequest>();
        live.Send(new EchoReply { Xid = probe.Xid, Data = probe.Data });

        await PollAsync(() =>
        {
            impostor.Channel.RunPendingTasks();
            return !impostor.Channel.Active;
        });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(live.Channel.Active, Is.True, "the live switch keeps its session");
            Assert.That(registry.Connections.Single(), Is.SameAs(live.Session));
            Assert.That(registry.Find(23)!.Ports, Has.Count.EqualTo(TwoPorts.Length));
            Assert.That(Drain(events), Is.EqualTo(new SwitchEvent[] { new SwitchConnected(live.Session) }), "no disconnect, no second connect");
        }
    }

    private static Task PollAsync(Func<bool> condition) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(5), "the condition");

    [Test]
    public void PortStatusKeepsPortsCurrentAndIsPublished()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(14, TwoPorts);
        using var events = registry.Subscribe("t");
        Drain(events);
        sw.Send(new PortStatus { Reason = PortReason.Add, Desc = FakeSwitch.MakePort(3, "p3") });
        sw.Send(new PortStatus { Reason = PortReason.Delete, Desc = FakeSwitch.MakePort(1, "p1") });
        sw.Send(new PortStatus { Reason = PortReason.Modify, Desc = FakeSwitch.MakePort(2, "p2") with { State = PortState.LinkDown } });
        var info = registry.Find(14)!;
        var changes = Drain(events).OfType<SwitchPortsChanged>().ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.Ports.Select(p => p.Name), Is.EqualTo(new[] { "p2", "p3", "br0" }));
            Assert.That(info.Ports[0].LinkUp, Is.False);
            Assert.That(changes, Has.Count.EqualTo(3));
            Assert.That(changes[^1].Ports.Select(p => p.PortNo), Is.EqualTo(new[] { 2u, 3u, OfpPort.Local }));
        }
    }

    [Test]
    public void PacketInIsPublishedWithTheConnection()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(15, TwoPorts);
        using var events = registry.Subscribe("t");
        Drain(events);
        sw.Send(new PacketIn { Data = new byte[] { 1, 2, 3 }, TotalLen = 3 });
        var pi = Drain(events).OfType<SwitchPacketIn>().Single();
        Assert.That(pi.Connection, Is.SameAs(sw.Session));
        Assert.That(pi.Message.Data.Length, Is.EqualTo(3));
    }

    [Test]
    public void CountersTrackMessagesByType()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Handshake(16, TwoPorts);
        sw.Send(new EchoRequest { Xid = 1 });
        sw.Receive();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Session.Counters.In(OfpType.EchoRequest), Is.EqualTo(1));
            Assert.That(sw.Session.Counters.Out(OfpType.EchoReply), Is.EqualTo(1));
            Assert.That(sw.Session.Counters.Out(OfpType.Hello), Is.EqualTo(1));
            Assert.That(sw.Session.Counters.In(OfpType.MultipartReply), Is.EqualTo(2));
        }
    }

    [Test]
    public void UndecodableReplyFailsItsRequestAtOnce()
    {
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry());
        sw.Handshake(17, TwoPorts);
        var request = sw.Session.RequestAsync<GetConfigReply>(new GetConfigRequest());
        var sent = sw.Receive<GetConfigRequest>();
        var xid = BitConverter.GetBytes(sent.Xid);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(xid);
        }

        sw.SendRaw([4, (byte)OfpType.GetConfigReply, 0, 10, .. xid, 0, 0]); // 2 body bytes, needs 4
        Assert.ThrowsAsync<InvalidDataException>(() => request);
        Assert.That(sw.Receive<ErrorMessage>().Code, Is.EqualTo((ushort)BadRequestCode.BadLen));
    }
}
