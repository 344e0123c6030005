using Controller.Switches;
using Microsoft.Extensions.Time.Testing;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Controller.Tests.Switches;

/// <summary>Every per-switch bound of the session against a hostile switch played in an EmbeddedChannel.</summary>
[TestFixture]
public sealed class SessionBoundsTests
{
    private const int SwitchErrorEvent = 1107;
    private const int SuppressedEvent = 1122;
    private static readonly Port[] OnePort = [FakeSwitch.MakePort(1, "p1")];

    [Test]
    public void MultipartReplyOverTheMessageCap_IsAnsweredWithOverflowAndClosed()
    {
        var options = new OpenFlowServerOptions { MultipartMaxMessages = 10 };
        using var sw = new FakeSwitch(FakeSwitch.NewRegistry(options), options);
        sw.Handshake(0x31, OnePort);
        var dump = sw.Session.DumpFlowsAsync(OfpConstants.AllTables, 0, 0);
        var request = sw.Receive<MultipartRequest>();
        for (var i = 0; i < 50 && sw.Channel.Active; i++)
        {
            sw.Send(new MultipartReply { Xid = request.Xid, Flags = MultipartFlags.More, Body = new FlowStatsReply { Flows = [new FlowStats { Priority = (ushort)i }] } });
        }

        var error = sw.Receive<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(error.Code, Is.EqualTo((ushort)BadRequestCode.MultipartBufferOverflow));
            Assert.That(error.Xid, Is.EqualTo(request.Xid));
            Assert.That(sw.Channel.Active, Is.False, "closed after the error");
            Assert.That(sw.Session.Counters.In(OfpType.MultipartReply), Is.EqualTo(2 + 11), "two PORT_DESC parts, then the 11th part tripped the cap");
        }

        Assert.That(async () => await dump, Throws.InstanceOf<InvalidDataException>().Or.InstanceOf<SwitchDisconnectedException>());
    }

    [Test]
    public void PortDescOverTheByteCap_FailsTheHandshake()
    {
        var options = new OpenFlowServerOptions { MultipartMaxBytes = 4_000 };
        var registry = FakeSwitch.NewRegistry(options);
        using var sw = new FakeSwitch(registry, options);
        sw.Receive<Hello>();
        sw.Send(Hello.ForOpenFlow13(1));
        sw.Send(new FeaturesReply { Xid = sw.Receive<FeaturesRequest>().Xid, DatapathId = new DatapathId(0x32) });
        sw.Receive<SetConfig>();
        var pd = sw.Receive<MultipartRequest>();
        var ports = Enumerable.Range(1, 20).Select(i => FakeSwitch.MakePort((uint)i, $"p{i}")).ToArray(); // 16 + 20 * 64 bytes per part
        var parts = 0;
        while (sw.Channel.Active && parts < 100)
        {
            sw.Send(new MultipartReply { Xid = pd.Xid, Flags = MultipartFlags.More, Body = new PortDescReply { Ports = [.. ports] } });
            parts++;
        }

        var error = sw.Receive<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parts, Is.EqualTo(4), "the 4th part of 1,296 bytes passes 4,000 bytes");
            Assert.That(error.Code, Is.EqualTo((ushort)BadRequestCode.MultipartBufferOverflow));
            Assert.That(registry.Find(0x32), Is.Null, "never published");
        }
    }

    [Test]
    public void ErrorFlood_LogsAtMostTheBurstPerWindow_ThenASummary()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var options = new OpenFlowServerOptions { LogBurst = 5, LogWindow = TimeSpan.FromSeconds(10) };
        var registry = FakeSwitch.NewRegistry(options);
        using var events = registry.Subscribe("t");
        using var sw = new FakeSwitch(registry, options, logger, time);
        sw.Handshake(0x33, OnePort);

        var one = MessageCodec.Encode(new ErrorMessage { Xid = 7, ErrorType = ErrorType.BadRequest, Code = 1, Data = new byte[64] });
        var flood = new byte[one.Length * 2_000];
        for (var i = 0; i < 2_000; i++)
        {
            one.CopyTo(flood, i * one.Length);
        }

        sw.SendRaw(flood);
        var afterFlood = logger.Entries.Count(e => e.Id.Id == SwitchErrorEvent);
        var errorEvents = 0;
        while (events.Reader.TryRead(out var e))
        {
            errorEvents += e is SwitchError ? 1 : 0;
        }

        time.Advance(TimeSpan.FromSeconds(10));
        sw.Send(new ErrorMessage { Xid = 8, ErrorType = ErrorType.BadRequest, Code = 1 });
        var summary = logger.Entries.Single(e => e.Id.Id == SuppressedEvent);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Session.Counters.Errors, Is.EqualTo(2_001), "every error is still counted");
            Assert.That(afterFlood, Is.EqualTo(5), "the burst, nothing more");
            Assert.That(errorEvents, Is.EqualTo(5), "subscribers get the same budget");
            Assert.That(summary.Text, Does.Contain("1995 log lines suppressed"));
            Assert.That(logger.Entries.Count(e => e.Id.Id == SwitchErrorEvent), Is.EqualTo(6), "a new window allows lines again");
            Assert.That(sw.Channel.Active, Is.True, "errors alone do not close the switch");
        }
    }

    [Test]
    public void PacketInsBeyondTheBurstBudget_AreDroppedAndCounted()
    {
        var options = new OpenFlowServerOptions { PacketInBurstLimit = 100 };
        var registry = FakeSwitch.NewRegistry(options);
        var handler = new EchoingHandler();
        using var _ = registry.HandlePacketIns(handler);
        using var sw = new FakeSwitch(registry, options);
        sw.Handshake(0x34, OnePort);

        var one = MessageCodec.Encode(new PacketIn { Data = new byte[60], TotalLen = 60 });
        var burst = new byte[one.Length * 1_000];
        for (var i = 0; i < 1_000; i++)
        {
            one.CopyTo(burst, i * one.Length);
        }

        sw.SendRaw(burst); // one read: one burst
        sw.SendRaw(one);   // the next read has a fresh budget
        var outs = 0;
        while (sw.Receive() is PacketOut)
        {
            outs++;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Calls, Is.EqualTo(101));
            Assert.That(outs, Is.EqualTo(101), "every handled PACKET_IN was answered on the loop");
            Assert.That(sw.Session.Counters.PacketInsDropped, Is.EqualTo(900));
        }
    }

    [Test]
    public void LogLimiter_RefillsPerWindow_AndReportsWhatItSuppressed()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogLimiter(2, TimeSpan.FromSeconds(1), time);
        var allowed = Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(out var _));
        time.Advance(TimeSpan.FromMilliseconds(999));
        var stillClosed = limiter.TryAcquire(out _);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var reopened = limiter.TryAcquire(out var suppressed);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed, Is.EqualTo(2));
            Assert.That(stillClosed, Is.False);
            Assert.That(reopened, Is.True);
            Assert.That(suppressed, Is.EqualTo(9));
            Assert.That(limiter.SuppressedTotal, Is.EqualTo(9));
            Assert.That(limiter.TakeSuppressed(), Is.Zero, "reported once");
        }
    }

    private sealed class EchoingHandler : IPacketInHandler
    {
        public int Calls { get; private set; }

        public void OnPacketIn(ISwitchConnection connection, in PacketInView packetIn, IPacketOutput output)
        {
            Calls++;
            output.Write(new PacketOut { InPort = 1, Actions = [new OutputAction(OfpPort.Flood, 0)], Data = Octets.CopyOf(packetIn.Data) });
        }
    }
}
