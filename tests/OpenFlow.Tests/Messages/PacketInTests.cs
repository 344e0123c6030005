using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Messages;

public sealed class PacketInTests
{
    private static PacketIn With(Match match) => new()
    {
        Xid = 3,
        TotalLen = 60,
        Reason = PacketInReason.NoMatch,
        TableId = 4,
        Cookie = new Cookie(5),
        Match = match,
        Data = new byte[60],
    };

    [TestCase(1u)]
    [TestCase(1023u)]
    [TestCase(1024u)]
    [TestCase(OfpPort.Local)]
    public void InPortOnlyMatchesDecodeEqualAndRoundTrip(uint port)
    {
        var m = With(new Match(Oxm.InPort(port)));
        var bytes = MessageCodec.Encode(m);
        var decoded = (PacketIn)MessageCodec.Decode(bytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(m));
            Assert.That(decoded.InPort, Is.EqualTo(port));
            Assert.That(MessageCodec.Encode(decoded), Is.EqualTo(bytes));
        }
    }

    [Test]
    public void TunnelMatchGivesInPortToo()
    {
        var m = With(new Match(Oxm.InPort(7), Oxm.TunnelId(0x64)));
        var decoded = (PacketIn)MessageCodec.Decode(MessageCodec.Encode(m));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(m));
            Assert.That(decoded.InPort, Is.EqualTo(7u));
        }
    }

    [Test]
    public void NoInPortGivesNull()
    {
        Assert.That(With(Match.Empty).InPort, Is.Null);
    }

    [Test]
    public void DataIsACopyThatOutlivesTheReceiveBuffer()
    {
        var bytes = MessageCodec.Encode(With(new Match(Oxm.InPort(1))) with { Data = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray() });
        var decoded = (PacketIn)MessageCodec.Decode(bytes);
        Array.Clear(bytes);
        Assert.That(decoded.Data.Span[59], Is.EqualTo(59));
    }
}
