using System.Collections.Immutable;
using Controller.Switches;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenFlow;
using OpenFlow.Channel;
using OpenFlow.Messages;
using OpenFlow.Wire;
using Tests.Shared;

namespace Controller.Tests.Switches;

/// <summary>A switch played by the test: a SwitchSession in an EmbeddedChannel with the real codecs.</summary>
internal sealed class FakeSwitch : IDisposable
{
    public FakeSwitch(SwitchRegistry registry, OpenFlowServerOptions? options = null, ILogger? logger = null, TimeProvider? time = null, IOpenFlowMetrics? metrics = null)
    {
        Session = new SwitchSession(options ?? new OpenFlowServerOptions(), registry, metrics ?? NullOpenFlowMetrics.Instance, logger ?? NullLogger.Instance, time);
        Channel = new EmbeddedChannel(new OfpFrameDecoder(), Session.FrameSizeTap, OfpMessageDecoder.WithRawPacketIns, OfpMessageEncoder.Instance, Session);
    }

    public EmbeddedChannel Channel { get; }

    public SwitchSession Session { get; }

    public static SwitchRegistry NewRegistry(OpenFlowServerOptions? options = null, IOpenFlowMetrics? metrics = null) =>
        new(Options.Create(options ?? new OpenFlowServerOptions()), metrics ?? NullOpenFlowMetrics.Instance, NullLogger<SwitchRegistry>.Instance);

    public static Port MakePort(uint no, string name) => new()
    {
        PortNo = no,
        Name = name,
        HwAddr = new MacAddress(0x0200_0000_0000UL + no),
    };

    public void Send(OfpMessage m) => SendRaw(MessageCodec.Encode(m));

    public void SendRaw(byte[] bytes) => Channel.WriteInbound(Unpooled.WrappedBuffer(bytes));

    private readonly Queue<OfpMessage> _received = new();

    /// <summary>
    /// The next message the controller sent, or null if none is queued. One written buffer may hold
    /// several messages (a read burst's PACKET_IN answers are written together).
    /// </summary>
    public OfpMessage? Receive()
    {
        if (_received.TryDequeue(out var queued))
        {
            return queued;
        }

        Channel.RunPendingTasks();
        var buf = Channel.ReadOutbound<IByteBuffer>();
        if (buf is null)
        {
            return null;
        }

        try
        {
            var bytes = new byte[buf.ReadableBytes];
            buf.ReadBytes(bytes);
            for (var at = 0; at < bytes.Length;)
            {
                var length = (bytes[at + 2] << 8) | bytes[at + 3];
                _received.Enqueue(MessageCodec.Decode(bytes.AsSpan(at, length)));
                at += length;
            }
        }
        finally
        {
            buf.Release();
        }

        return _received.Dequeue();
    }

    public T Receive<T>()
        where T : OfpMessage
    {
        var m = Receive();
        Assert.That(m, Is.InstanceOf<T>());
        return (T)m!;
    }

    /// <summary>
    /// Plays a switch with an empty flow table until <paramref name="done"/> holds: every multipart request gets
    /// an empty flow-stats reply, every barrier its reply; <paramref name="special"/> sees each message first
    /// and returns true when it answered it itself.
    /// </summary>
    public Task ServeAsync(Func<bool> done, string what, Func<OfpMessage, bool>? special = null) =>
        Poll.UntilAsync(
            () =>
            {
                while (!done() && Receive() is { } m)
                {
                    if (special?.Invoke(m) == true)
                    {
                        continue;
                    }

                    switch (m)
                    {
                        case MultipartRequest mp:
                            Send(new MultipartReply { Xid = mp.Xid, Body = new FlowStatsReply() });
                            break;
                        case BarrierRequest b:
                            Send(new BarrierReply { Xid = b.Xid });
                            break;
                        default:
                            break;
                    }
                }

                return done();
            },
            TimeSpan.FromSeconds(20),
            what,
            TimeSpan.FromMilliseconds(5));

    /// <summary>Plays the switch side of the whole handshake; ports are sent in two PORT_DESC parts.</summary>
    public void Handshake(ulong dpid, params Port[] ports)
    {
        Receive<Hello>();
        Send(Hello.ForOpenFlow13(100));
        var fr = Receive<FeaturesRequest>();
        Send(new FeaturesReply { Xid = fr.Xid, DatapathId = new DatapathId(dpid), NTables = 254, NBuffers = 0 });
        Receive<SetConfig>();
        var pd = Receive<MultipartRequest>();
        var half = ports.Length / 2;
        Send(new MultipartReply { Xid = pd.Xid, Flags = MultipartFlags.More, Body = new PortDescReply { Ports = [.. ports[..half]] } });
        Send(new MultipartReply { Xid = pd.Xid, Body = new PortDescReply { Ports = [.. ports[half..]] } });
        var role = Receive<RoleRequest>();
        Send(new RoleReply { Xid = role.Xid, Role = ControllerRole.Master, GenerationId = role.GenerationId });
    }

    public void Dispose() => Channel.FinishAndReleaseAll();
}
