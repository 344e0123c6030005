using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ovsdb.Rpc;
using Tests.Shared;

namespace Ovsdb.Tests.Rpc;

/// <summary>The connection against a scripted peer on loopback: what a broken or silent server does to it.</summary>
public sealed class ConnectionTests
{
    [Test]
    public async Task AnswersEchoAndMatchesConcurrentRepliesByIdInAnyOrder()
    {
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero });
        await pair.SendAsync("""{"id":"echo","method":"echo","params":["x"]}""");
        var echoReply = await pair.ReceiveAsync();
        Assert.That(echoReply.GetProperty("id").GetString(), Is.EqualTo("echo"));
        Assert.That(echoReply.GetProperty("result")[0].GetString(), Is.EqualTo("x"));

        var first = pair.Client.ListDatabasesAsync();
        var second = pair.Client.SendRequestAsync("get_schema", w => w.WriteStringValue("X"));
        var r1 = await pair.ReceiveAsync();
        var r2 = await pair.ReceiveAsync();
        // Answer in reverse order, both in one write.
        await pair.SendAsync($$"""{"id":{{r2.GetProperty("id").GetInt64()}},"result":{"answer":2},"error":null}{"id":{{r1.GetProperty("id").GetInt64()}},"result":["A","B"],"error":null}""");
        Assert.That(await first, Is.EqualTo(new[] { "A", "B" }));
        Assert.That((await second).GetProperty("answer").GetInt32(), Is.EqualTo(2));
        Assert.That(pair.Client.EchoesAnswered, Is.EqualTo(1));
    }

    [Test]
    public async Task MalformedInputClosesTheConnectionAndFaultsCompletion()
    {
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero });
        var pending = pair.Client.ListDatabasesAsync();
        await pair.SendAsync("""{"id":1,"result":[] garbage""");
        var ex = Assert.ThrowsAsync<OvsdbProtocolException>(async () => await pair.Client.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Message, Does.Contain("malformed JSON"));
        Assert.ThrowsAsync<IOException>(async () => await pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(pair.Client.IsClosed, Is.True);
    }

    [Test]
    public async Task OversizeMessageClosesTheConnection()
    {
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero, MaxMessageBytes = 4096 });
        await pair.SendAsync("{\"id\":null,\"method\":\"update\",\"params\":[\"" + new string('a', 10_000));
        var ex = Assert.ThrowsAsync<OvsdbProtocolException>(async () => await pair.Client.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Message, Does.Contain("exceeds 4096 bytes"));
    }

    [Test]
    public async Task APeerThatNeverAnswersIsProbedThenDropped()
    {
        // Fake time: the probe fires after InactivityProbe of silence and drops the peer after twice that. Time
        // moves 1 s per poll until the probe's bytes reach the peer, then stops, so a slow machine only makes the
        // probe look later (it cannot reach the 60 s drop while the test is still waiting for the probe).
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.FromSeconds(30) }, time);
        await AdvanceUntilAsync(time, () => pair.Available > 0, "the echo probe");
        var probed = time.GetUtcNow() - start;
        Assert.That((await pair.ReceiveAsync()).GetProperty("method").GetString(), Is.EqualTo("echo"));
        Assert.That(probed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(30)).And.LessThan(TimeSpan.FromSeconds(60)), "probed after 30 s of silence, not before");
        Assert.That(pair.Client.IsClosed, Is.False, "an unanswered probe is not yet a dead peer");

        await AdvanceUntilAsync(time, () => pair.Client.Completion.IsCompleted, "the drop");
        var dropped = time.GetUtcNow() - start;
        var ex = Assert.ThrowsAsync<TimeoutException>(async () => await pair.Client.Completion);
        Assert.That(ex!.Message, Does.Contain("echo unanswered"));
        Assert.That(dropped, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(60)), "dropped after twice the probe interval, not before");
    }

    [Test]
    public async Task APeerThatAnswersTheProbeIsKept()
    {
        // Unanswered, the client would drop the peer 60 s into this test; answered, it is still there at 90 s.
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.FromSeconds(30) }, time);
        for (int i = 0; i < 3; i++)
        {
            await AdvanceUntilAsync(time, () => pair.Available > 0 || pair.Client.IsClosed, $"probe {i + 1}");
            Assert.That(pair.Client.IsClosed, Is.False, $"still connected at probe {i + 1}");
            var probe = await pair.ReceiveAsync();
            Assert.That(probe.GetProperty("method").GetString(), Is.EqualTo("echo"));
            await pair.SendAsync($$"""{"id":{{probe.GetProperty("id").GetRawText()}},"result":[],"error":null}""");

            // Barrier: once the client answers this echo, its read loop has taken the reply above.
            await pair.SendAsync("""{"id":"barrier","method":"echo","params":[]}""");
            Assert.That((await pair.ReceiveAsync()).GetProperty("id").GetString(), Is.EqualTo("barrier"));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(time.GetUtcNow() - start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(pair.Client.IsClosed, Is.False, "three probes answered over 90 s of otherwise silent time");
        }
    }

    /// <summary>Moves fake time 1 s per poll until <paramref name="condition"/> holds.</summary>
    private static Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, string what) =>
        Poll.UntilAsync(
            () =>
            {
                if (condition())
                {
                    return true;
                }

                time.Advance(TimeSpan.FromSeconds(1));
                return false;
            },
            TimeSpan.FromSeconds(20),
            what,
            TimeSpan.FromMilliseconds(50));

    [Test]
    public async Task ARequestWithoutAnswerTimesOutAndALateReplyIsIgnored()
    {
        var time = new FakeTimeProvider();
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero, RequestTimeout = TimeSpan.FromSeconds(10) }, time);
        var list = pair.Client.ListDatabasesAsync();
        var request = await pair.ReceiveAsync();
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50); // a wrongly early timeout would have fired by now (not the subject: a negative check)
        Assert.That(list.IsCompleted, Is.False, "9 of 10 s: still waiting");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<TimeoutException>(() => list);
        await pair.SendAsync($$"""{"id":{{request.GetProperty("id").GetInt64()}},"result":[],"error":null}""");
        await pair.SendAsync("""{"id":"echo","method":"echo","params":[]}""");
        await pair.ReceiveAsync();
        Assert.That(pair.Client.IsClosed, Is.False);
    }

    [Test]
    public async Task UpdatesArriveInOrder()
    {
        await using var pair = await Pair.CreateAsync(new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero });
        var sb = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            sb.Append(CultureInvariant($$$$$"""{"id":null,"method":"update","params":["m",{"T":{"00000000-0000-4000-8000-{{{{{i:D12}}}}}":{"new":{"n":{{{{{i}}}}}}}}}]}"""));
        }

        await pair.SendAsync(sb.ToString());
        for (int i = 0; i < 20; i++)
        {
            var u = await pair.Client.Updates.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.That(u.Updates.Tables["T"].Values.Single().New!["n"].Single.AsInteger, Is.EqualTo(i));
        }
    }

    private static string CultureInvariant(FormattableString s) => FormattableString.Invariant(s);

    private sealed class Pair : IAsyncDisposable
    {
        private readonly Socket _peer;
        private readonly JsonStreamFramer _framer = new();

        private Pair(Socket peer, OvsdbConnection client)
        {
            _peer = peer;
            Client = client;
        }

        public OvsdbConnection Client { get; }

        /// <summary>Bytes the client sent that the peer has not read yet (framed or not).</summary>
        public int Available => _peer.Available + _framer.Buffered;

        public static async Task<Pair> CreateAsync(OvsdbConnectionOptions options, TimeProvider? time = null)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var connect = OvsdbConnection.ConnectAsync($"tcp:127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}", options, time: time);
            var peer = await listener.AcceptAsync();
            return new Pair(peer, await connect);
        }

        public async Task SendAsync(string text) => await _peer.SendAsync(Encoding.UTF8.GetBytes(text));

        public async Task<JsonElement> ReceiveAsync()
        {
            while (true)
            {
                if (_framer.TryReadMessage(out var doc))
                {
                    using (doc)
                    {
                        return doc.RootElement.Clone();
                    }
                }

                int n = await _peer.ReceiveAsync(_framer.GetMemory(4096));
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                _framer.Advance(n);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            _peer.Dispose();
        }
    }
}
