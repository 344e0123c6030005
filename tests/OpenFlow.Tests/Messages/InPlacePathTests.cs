using OpenFlow.Actions;
using OpenFlow.Channel;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;

namespace OpenFlow.Tests.Messages;

/// <summary>
/// The allocation-free PACKET_IN path must mean exactly what the object model means: a view reads what
/// the decoder reads, and the in-place encoder writes the bytes MessageCodec writes for the same
/// FLOW_MOD and PACKET_OUT.
/// </summary>
public sealed class InPlacePathTests
{
    private static readonly MacAddress A = MacAddress.Parse("fa:16:3e:00:0a:01");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:ff:fe");

    private static PacketIn InPortOnly(uint inPort, int frameBytes) => new()
    {
        Xid = 0x1234_5678,
        BufferId = OfpConstants.NoBuffer,
        TotalLen = (ushort)frameBytes,
        Reason = PacketInReason.Action,
        TableId = 7,
        Cookie = new Cookie(0xfeed_0000_0000_0001),
        Match = new Match(Oxm.InPort(inPort)),
        Data = new Octets(Enumerable.Range(0, frameBytes).Select(i => (byte)i).ToArray()),
    };

    [TestCase(1u, 60)]
    [TestCase(0xfffffffeu, 14)]
    [TestCase(65_000u, 1514)]
    [TestCase(3u, 0)]
    public void The_view_reads_what_the_decoder_reads(uint inPort, int frameBytes)
    {
        var bytes = MessageCodec.Encode(InPortOnly(inPort, frameBytes));
        var decoded = (PacketIn)MessageCodec.Decode(bytes);

        Assert.That(PacketInView.TryReadInPortOnly(bytes, out var view), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(view.Xid, Is.EqualTo(decoded.Xid));
            Assert.That(view.BufferId, Is.EqualTo(decoded.BufferId));
            Assert.That(view.TotalLen, Is.EqualTo(decoded.TotalLen));
            Assert.That(view.Reason, Is.EqualTo(decoded.Reason));
            Assert.That(view.TableId, Is.EqualTo(decoded.TableId));
            Assert.That(view.Cookie, Is.EqualTo(decoded.Cookie));
            Assert.That(view.InPort, Is.EqualTo(decoded.InPort));
            Assert.That(view.Data.ToArray(), Is.EqualTo(decoded.Data.Span.ToArray()));
        }
    }

    [Test]
    public void Anything_but_a_well_formed_in_port_only_PACKET_IN_is_left_to_the_decoder()
    {
        var good = MessageCodec.Encode(InPortOnly(1, 60));
        var tunnelled = MessageCodec.Encode(InPortOnly(1, 60) with { Match = Match.Canonical(Oxm.InPort(1), Oxm.TunnelId(5)) });
        var noMatchFields = MessageCodec.Encode(InPortOnly(1, 60) with { Match = Match.Empty });
        byte[] Mutate(int at, byte value)
        {
            var copy = good.ToArray();
            copy[at] = value;
            return copy;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PacketInView.TryReadInPortOnly(tunnelled, out _), Is.False, "other match fields");
            Assert.That(PacketInView.TryReadInPortOnly(noMatchFields, out _), Is.False, "no in_port");
            Assert.That(PacketInView.TryReadInPortOnly(good.AsSpan(0, good.Length - 1), out _), Is.False, "length field disagrees with the frame");
            Assert.That(PacketInView.TryReadInPortOnly(Mutate(0, 0x01), out _), Is.False, "OpenFlow 1.0");
            Assert.That(PacketInView.TryReadInPortOnly(Mutate(1, (byte)OfpType.FlowRemoved), out _), Is.False, "another type");
            Assert.That(PacketInView.TryReadInPortOnly(Mutate(27, 0x10), out _), Is.False, "match length 16");
            Assert.That(PacketInView.TryReadInPortOnly(Mutate(31, 0x08), out _), Is.False, "in_port of 8 bytes");
            Assert.That(PacketInView.TryReadInPortOnly(Mutate(37, 0xff), out _), Is.False, "dirty match padding");
            Assert.That(PacketInView.TryReadInPortOnly(good.AsSpan(0, 20), out _), Is.False, "truncated");
        }
    }

    [TestCase(0xfffffffeu, 1u, 0x7fu, (ushort)0, (ushort)0)]
    [TestCase(0x0000_0100u, 65_534u, 2u, (ushort)10, (ushort)300)]
    public void The_forward_flow_add_is_byte_for_byte_the_FLOW_MOD_the_object_model_encodes(uint bufferId, uint inPort, uint outPort, ushort idle, ushort hard)
    {
        var cookie = new Cookie(0x0200_0000_0000_0001);
        var flowMod = new FlowMod
        {
            Xid = 99,
            Command = FlowModCommand.Add,
            Cookie = cookie,
            TableId = 0,
            Priority = 1,
            IdleTimeout = idle,
            HardTimeout = hard,
            BufferId = bufferId,
            Match = Match.Canonical(Oxm.InPort(inPort), Oxm.EthDst(A), Oxm.EthSrc(B)),
            Instructions = [new ApplyActions(new OutputAction(outPort, 0))],
        };
        var expected = MessageCodec.Encode(flowMod);

        var actual = new byte[InPlaceEncoder.ForwardFlowAddLength];
        InPlaceEncoder.WriteForwardFlowAdd(actual, 99, cookie, 0, 1, idle, hard, bufferId, inPort, A, B, outPort);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase(OfpConstants.NoBuffer, 3u, OfpPort.Flood, 60)]
    [TestCase(0x77u, 1u, 2u, 0)]
    [TestCase(OfpConstants.NoBuffer, 9u, 4u, 1514)]
    public void The_packet_out_is_byte_for_byte_the_PACKET_OUT_the_object_model_encodes(uint bufferId, uint inPort, uint outPort, int dataBytes)
    {
        var data = Enumerable.Range(0, dataBytes).Select(i => (byte)(i * 7)).ToArray();
        var expected = MessageCodec.Encode(new PacketOut { Xid = 5, BufferId = bufferId, InPort = inPort, Actions = [new OutputAction(outPort, 0)], Data = new Octets(data) });

        var actual = new byte[InPlaceEncoder.PacketOutLength(data.Length)];
        InPlaceEncoder.WritePacketOut(actual, 5, bufferId, inPort, outPort, data);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void The_raw_decoder_passes_such_a_PACKET_IN_on_as_its_frame_and_decodes_everything_else()
    {
        var channel = new EmbeddedChannel(new OfpFrameDecoder(), OfpMessageDecoder.WithRawPacketIns);
        var packetIn = MessageCodec.Encode(InPortOnly(4, 60));
        var tunnelled = MessageCodec.Encode(InPortOnly(4, 60) with { Match = Match.Canonical(Oxm.InPort(4), Oxm.TunnelId(5)) });
        var echo = MessageCodec.Encode(new EchoRequest { Xid = 3 });
        channel.WriteInbound(Unpooled.WrappedBuffer([.. packetIn, .. tunnelled, .. echo]));

        var first = channel.ReadInbound<object>();
        var second = channel.ReadInbound<object>();
        var third = channel.ReadInbound<object>();
        try
        {
            Assert.That(first, Is.InstanceOf<IByteBuffer>());
            var frame = (IByteBuffer)first;
            var bytes = new byte[frame.ReadableBytes];
            frame.GetBytes(frame.ReaderIndex, bytes);
            Assert.That(bytes, Is.EqualTo(packetIn), "the whole frame, unread");
            Assert.That(second, Is.InstanceOf<PacketIn>().With.Property(nameof(PacketIn.InPort)).EqualTo(4u));
            Assert.That(third, Is.InstanceOf<EchoRequest>());
        }
        finally
        {
            (first as IByteBuffer)?.Release();
            channel.Finish();
        }
    }
}
