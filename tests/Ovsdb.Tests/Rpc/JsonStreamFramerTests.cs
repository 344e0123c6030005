using System.Text;
using System.Text.Json;
using Ovsdb.Rpc;

namespace Ovsdb.Tests.Rpc;

public sealed class JsonStreamFramerTests
{
    private const string Echo = """{"id":"echo","method":"echo","params":[]}""";
    private const string Update = """{"id":null,"method":"update","params":["m",{"Bridge":{"5b1f8a3e-0f7b-4b41-9b0c-0c3c1a2b3c4d":{"new":{"name":"br-int","external_ids":["map",[["k","v \"}{ \\u00e9"]]]}}}}]}""";

    [Test]
    public void EveryByteSplitOfTwoMessagesGivesBothMessagesOnce()
    {
        byte[] stream = Encoding.UTF8.GetBytes(Echo + "\n  " + Update);
        for (int split = 0; split <= stream.Length; split++)
        {
            var framer = new JsonStreamFramer();
            var got = new List<string>();
            framer.Append(stream.AsSpan(0, split));
            Drain(framer, got);
            framer.Append(stream.AsSpan(split));
            Drain(framer, got);
            Assert.That(got, Is.EqualTo(new[] { Echo, Update }), $"split at {split}");
            Assert.That(framer.Buffered, Is.Zero, $"split at {split}");
        }
    }

    [Test]
    public void OneByteAtATimeGivesTheSameMessages()
    {
        byte[] stream = Encoding.UTF8.GetBytes(Update + Echo + Update);
        var framer = new JsonStreamFramer();
        var got = new List<string>();
        foreach (byte b in stream)
        {
            framer.Append([b]);
            Drain(framer, got);
        }

        Assert.That(got, Is.EqualTo(new[] { Update, Echo, Update }));
    }

    [Test]
    public void SeveralMessagesInOneReadComeOutInOrder()
    {
        var framer = new JsonStreamFramer();
        var messages = Enumerable.Range(0, 50).Select(i => $$"""{"id":{{i}},"result":[{{i}}],"error":null}""").ToList();
        framer.Append(Encoding.UTF8.GetBytes(string.Concat(messages)));
        var got = new List<string>();
        Drain(framer, got);
        Assert.That(got, Is.EqualTo(messages));
    }

    [Test]
    public void OversizeCompleteMessageIsRefused()
    {
        var framer = new JsonStreamFramer(maxMessageBytes: 64);
        string big = $$"""{"id":1,"result":"{{new string('x', 100)}}","error":null}""";
        framer.Append(Encoding.UTF8.GetBytes(big));
        var ex = Assert.Throws<OvsdbProtocolException>(() => framer.TryReadMessage(out _));
        Assert.That(ex!.Message, Does.Contain("exceeds 64 bytes"));
    }

    [Test]
    public void OversizeIncompleteMessageIsRefusedBeforeItEnds()
    {
        var framer = new JsonStreamFramer(maxMessageBytes: 1024);
        framer.Append("{\"id\":1,\"result\":\""u8);
        Assert.That(framer.TryReadMessage(out _), Is.False);
        var chunk = Encoding.UTF8.GetBytes(new string('x', 300));
        Assert.Throws<OvsdbProtocolException>(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                framer.Append(chunk);
                framer.TryReadMessage(out _);
            }
        });
        Assert.That(framer.Buffered, Is.LessThan(1024 + chunk.Length + 32));
    }

    [TestCase("""{"id":1,"result":tru}""")]
    [TestCase("""{"id" 1}""")]
    [TestCase("""}""")]
    [TestCase("""{"a":1,}""")]
    [TestCase("\u0000\u0001garbage")]
    public void GarbageIsAProtocolError(string text)
    {
        var framer = new JsonStreamFramer();
        framer.Append(Encoding.UTF8.GetBytes(text));
        Assert.Throws<OvsdbProtocolException>(() => Drain(framer, []));
    }

    [TestCase("[1,2]")]
    [TestCase("42 ")]
    [TestCase("\"s\"")]
    public void TopLevelValueThatIsNotAnObjectIsRefused(string text)
    {
        var framer = new JsonStreamFramer();
        framer.Append(Encoding.UTF8.GetBytes(text));
        var ex = Assert.Throws<OvsdbProtocolException>(() => Drain(framer, []));
        Assert.That(ex!.Message, Does.Contain("must be an object"));
    }

    [Test]
    public void NestingDeeperThanTheCapIsRefused()
    {
        var framer = new JsonStreamFramer(maxDepth: 16);
        string deep = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40)) + "}";
        framer.Append(Encoding.UTF8.GetBytes(deep));
        Assert.Throws<OvsdbProtocolException>(() => Drain(framer, []));

        var ok = new JsonStreamFramer(maxDepth: 16);
        string shallow = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 10)) + string.Concat(Enumerable.Repeat("]", 10)) + "}";
        ok.Append(Encoding.UTF8.GetBytes(shallow));
        var got = new List<string>();
        Drain(ok, got);
        Assert.That(got, Is.EqualTo(new[] { shallow }));
    }

    [Test]
    public void WhitespaceBetweenMessagesIsNotBuffered()
    {
        var framer = new JsonStreamFramer();
        framer.Append(Encoding.UTF8.GetBytes(Echo + "\n\n   \r\n"));
        var got = new List<string>();
        Drain(framer, got);
        Assert.That(got, Has.Count.EqualTo(1));
        Assert.That(framer.Buffered, Is.LessThanOrEqualTo(8));
    }

    private static void Drain(JsonStreamFramer framer, List<string> into)
    {
        while (framer.TryReadMessage(out JsonDocument doc))
        {
            using (doc)
            {
                into.Add(doc.RootElement.GetRawText());
            }
        }
    }
}
