using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels.Embedded;
using OpenFlow.Channel;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Channel;

[TestFixture]
public sealed class ChannelCodecTests
{
    private static EmbeddedChannel Inbound() => new(new OfpFrameDecoder(), OfpMessageDecoder.Instance);

    private static IByteBuffer Wrap(params byte[] bytes) => Unpooled.WrappedBuffer(bytes);

    [Test]
    public void MessageSplitAcrossReadsIsReassembled()
    {
        var bytes = MessageCodec.Encode(new EchoRequest { Xid = 7, Data = new byte[] { 1, 2, 3, 4, 5 } });
        var ch = Inbound();
        Assert.That(ch.WriteInbound(Wrap(bytes[..3])), Is.False);
        Assert.That(ch.WriteInbound(Wrap(bytes[3..9])), Is.False);
        Assert.That(ch.WriteInbound(Wrap(bytes[9..])), Is.True);
        var m = ch.ReadInbound<object>();
        Assert.That(m, Is.EqualTo(new EchoRequest { Xid = 7, Data = new byte[] { 1, 2, 3, 4, 5 } }));
        Assert.That(ch.ReadInbound<object>(), Is.Null);
        Assert.That(ch.Finish(), Is.False);
    }

    [Test]
    public void MessagesMergedInOneReadAreSplit()
    {
        var a = MessageCodec.Encode(Hello.ForOpenFlow13(1));
        var b = MessageCodec.Encode(new BarrierRequest { Xid = 2 });
        var c = MessageCodec.Encode(new EchoReply { Xid = 3 });
        var ch = Inbound();
        var buf = Wrap([.. a, .. b, .. c[..4]]);
        ch.WriteInbound(buf);
        ch.WriteInbound(Wrap(c[4..]));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ch.ReadInbound<object>(), Is.EqualTo(Hello.ForOpenFlow13(1)));
            Assert.That(ch.ReadInbound<object>(), Is.EqualTo(new BarrierRequest { Xid = 2 }));
            Assert.That(ch.ReadInbound<object>(), Is.EqualTo(new EchoReply { Xid = 3 }));
            Assert.That(buf.ReferenceCount, Is.Zero, "inbound buffer released");
        }
    }

    [TestCase(4)]
    [TestCase(5)]
    [TestCase(7)]
    public void LengthBelowHeaderIsAFramingError(int length)
    {
        var ch = Inbound();
        var buf = Wrap(4, 2, 0, (byte)length, 0, 0, 0, 1);
        Assert.That(() => ch.WriteInbound(buf), Throws.InstanceOf<OfpFramingException>());
        Assert.That(buf.ReferenceCount, Is.Zero);
    }

    [Test]
    public void LengthBelowFourIsAFramingError()
    {
        var ch = Inbound();
        Assert.That(() => ch.WriteInbound(Wrap(4, 2, 0, 2, 0, 0, 0, 1)), Throws.InstanceOf<CorruptedFrameException>());
    }

    [Test]
    public void UnknownTypeBecomesDecodeFailureWithBadType()
    {
        var ch = Inbound();
        byte[] frame = [4, 200, 0, 12, 0, 0, 0, 42, 9, 9, 9, 9];
        ch.WriteInbound(Wrap(frame));
        var f = ch.ReadInbound<object>() as DecodeFailure;
        Assert.That(f, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(f!.Xid, Is.EqualTo(42u));
            Assert.That(f.TypeByte, Is.EqualTo((byte)200));
            Assert.That(f.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(f.Code, Is.EqualTo((ushort)BadRequestCode.BadType));
            Assert.That(f.Offending.Span.ToArray(), Is.EqualTo(frame));
        }
    }

    [Test]
    public void TruncatedBodyBecomesDecodeFailureAndLaterMessagesStillDecode()
    {
        var ch = Inbound();

        // FEATURES_REPLY needs 24 body bytes; give it 4.
        byte[] bad = [4, (byte)OfpType.FeaturesReply, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4];
        var good = MessageCodec.Encode(new EchoRequest { Xid = 6 });
        ch.WriteInbound(Wrap([.. bad, .. good]));
        var f = ch.ReadInbound<object>() as DecodeFailure;
        Assert.That(f, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(f!.Xid, Is.EqualTo(5u));
            Assert.That(f.Code, Is.EqualTo((ushort)BadRequestCode.BadLen));
            Assert.That(ch.ReadInbound<object>(), Is.EqualTo(new EchoRequest { Xid = 6 }));
        }
    }

    [Test]
    public void OffendingBytesAreCappedAt64()
    {
        var ch = Inbound();
        var frame = new byte[200];
        frame[0] = 4;
        frame[1] = 250;
        frame[3] = 200;
        ch.WriteInbound(Wrap(frame));
        var f = (DecodeFailure)ch.ReadInbound<object>();
        Assert.That(f.Offending.Length, Is.EqualTo(64));
    }

    [Test]
    public void SeededGarbageNeverThrowsAnythingButFramingErrors()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var ch = Inbound();
            var bytes = new byte[rng.Next(1, 300)];
            rng.NextBytes(bytes);
            try
            {
                ch.WriteInbound(Wrap(bytes));
            }
            catch (CorruptedFrameException)
            {
                continue;
            }

            while (ch.ReadInbound<object>() is { } o)
            {
                Assert.That(o, Is.InstanceOf<OfpMessage>().Or.InstanceOf<DecodeFailure>());
            }

            ch.FinishAndReleaseAll();
        }
    }

    [Test]
    public void EncoderOutputEqualsMessageCodecBytes()
    {
        var ch = new EmbeddedChannel(OfpMessageEncoder.Instance);
        OfpMessage[] messages =
        [
            Hello.ForOpenFlow13(9),
            new EchoRequest { Xid = 10, Data = new byte[] { 1, 2, 3 } },
            ErrorMessage.For(ErrorType.BadRequest, (ushort)BadRequestCode.BadType, 11, [1, 2, 3, 4]),
            new SetConfig { Xid = 12 },
        ];
        foreach (var m in messages)
        {
            Assert.That(ch.WriteOutbound(m), Is.True);
        }

        foreach (var m in messages)
        {
            var buf = ch.ReadOutbound<IByteBuffer>();
            var bytes = new byte[buf.ReadableBytes];
            buf.ReadBytes(bytes);
            buf.Release();
            Assert.That(bytes, Is.EqualTo(MessageCodec.Encode(m)));
        }
    }

    [Test]
    public void EncoderIsSharableAndPassesOtherObjectsThrough()
    {
        var a = new EmbeddedChannel(OfpMessageEncoder.Instance);
        var b = new EmbeddedChannel(OfpMessageEncoder.Instance);
        var raw = Unpooled.WrappedBuffer(new byte[] { 1 });
        b.WriteOutbound(raw);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OfpMessageEncoder.Instance.IsSharable, Is.True);
            Assert.That(b.ReadOutbound<IByteBuffer>(), Is.SameAs(raw));
            Assert.That(a.Finish(), Is.False);
        }

        raw.Release();
    }

    [Test]
    public void EncodedThenDecodedRoundTrips()
    {
        var enc = new EmbeddedChannel(OfpMessageEncoder.Instance);
        var dec = Inbound();
        var m = new FeaturesReply { Xid = 3, DatapathId = new DatapathId(0x0102030405060708), NTables = 254 };
        enc.WriteOutbound(m);
        dec.WriteInbound(enc.ReadOutbound<IByteBuffer>());
        Assert.That(dec.ReadInbound<object>(), Is.EqualTo(m));
    }
}
