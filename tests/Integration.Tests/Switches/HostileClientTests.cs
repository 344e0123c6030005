using System.Buffers.Binary;
using System.Net.Sockets;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Integration.Tests.Switches;

/// <summary>Hostile and heavy raw TCP clients against the server on a real socket.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HostileClientTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);
    private InProcessController _controller = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _controller = await InProcessController.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _controller.DisposeAsync();

    private static ulong UniqueDpid() => 0x7e57_0000_0000_0000UL | (ulong)Random.Shared.NextInt64(1, 1L << 40);

    private async Task AssertServerStillServesAsync()
    {
        var dpid = UniqueDpid();
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.HandshakeAsync(dpid, new Port { PortNo = 1, Name = "p1" });
        Assert.That(await _controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True, "a well-behaved switch still completes the handshake");
    }

    [Test]
    public async Task GarbageBytesGetTheConnectionClosed()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.ReadAsync<Hello>();
        var garbage = new byte[64];
        new Random(1234).NextBytes(garbage);
        garbage[2] = 0; // a plausible length so a frame is formed and rejected before HELLO
        garbage[3] = 16;
        await c.SendAsync(garbage);
        Assert.That(await c.WaitClosedAsync(Short), Is.True);
        await AssertServerStillServesAsync();
    }

    [Test]
    public async Task HttpRequestIsClosedAtTheLatestByTheHandshakeTimeout()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.That(await c.WaitClosedAsync(TimeSpan.FromSeconds(6)), Is.True);
    }

    [Test]
    public async Task LengthFieldBelowEightClosesImmediately()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.ReadAsync<Hello>();
        await c.SendAsync([4, 0, 0, 5, 0, 0, 0, 1]);
        Assert.That(await c.WaitClosedAsync(Short), Is.True);
    }

    [Test]
    public async Task MaximalLengthWithTenBytesThenSilenceIsClosedByTimeout()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.ReadAsync<Hello>();
        await c.SendAsync([4, 0, 0xff, 0xff, 0, 0, 0, 1, 0, 0]);
        Assert.That(await c.WaitClosedAsync(TimeSpan.FromSeconds(6)), Is.True, "closed by the 3 s handshake/echo timeout");
    }

    [Test]
    public async Task HelloOfferingOnlyAnUnknownVersionGetsHelloFailedThenClose()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.ReadAsync<Hello>();
        await c.SendAsync([9, 0, 0, 16, 0, 0, 0, 3, 0, 1, 0, 8, 0, 0, 0x02, 0x00]); // version 9, bitmap {9}
        var err = await c.ReadAsync<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(err.ErrorType, Is.EqualTo(ErrorType.HelloFailed));
            Assert.That(err.Code, Is.EqualTo((ushort)HelloFailedCode.Incompatible));
            Assert.That(await c.WaitClosedAsync(Short), Is.True);
        }
    }

    [Test]
    public async Task FlowModBeforeHelloGetsBadRequestThenClose()
    {
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.ReadAsync<Hello>();
        await c.SendAsync(new FlowMod { Xid = 31 });
        var err = await c.ReadAsync<ErrorMessage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(err.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(err.Xid, Is.EqualTo(31u));
            Assert.That(await c.WaitClosedAsync(Short), Is.True);
        }
    }

    [Test]
    public async Task EchoStormIsFullyAnswered()
    {
        const int count = 10_000;
        var dpid = UniqueDpid();
        using var c = await RawOfClient.ConnectAsync(_controller.Port);
        await c.HandshakeAsync(dpid);
        var one = MessageCodec.Encode(new EchoRequest { Data = new byte[] { 1, 2, 3, 4 } });
        var batch = new byte[one.Length * 500];
        var send = Task.Run(async () =>
        {
            for (var b = 0; b < count / 500; b++)
            {
                for (var i = 0; i < 500; i++)
                {
                    one.CopyTo(batch, i * one.Length);
                    BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan((i * one.Length) + 4), (uint)((b * 500) + i + 1));
                }

                await c.SendAsync(batch);
            }
        });
        var seen = new bool[count + 1];
        var replies = 0;
        while (replies < count)
        {
            var m = await c.ReadAsync(TimeSpan.FromSeconds(10));
            Assert.That(m, Is.Not.Null, $"reply stream ended after {replies} replies");
            if (m is EchoReply r)
            {
                Assert.That(seen[r.Xid], Is.False);
                seen[r.Xid] = true;
                replies++;
            }
        }

        await send;
        Assert.That(seen.Skip(1).All(x => x), Is.True);
        Assert.That(_controller.Registry.Find(dpid), Is.Not.Null, "switch stayed connected");
    }

    [Test]
    public async Task ThousandConnectionsOpenedAndDroppedLeaveTheServerHealthy()
    {
        await AssertServerStillServesAsync(); // warm up
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(true);
        for (var round = 0; round < 10; round++)
        {
            var tasks = Enumerable.Range(0, 100).Select(async i =>
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", _controller.Port);
                if (i % 3 == 0)
                {
                    await tcp.GetStream().WriteAsync(MessageCodec.Encode(Hello.ForOpenFlow13()));
                }
                else if (i % 3 == 1)
                {
                    await tcp.GetStream().WriteAsync(new byte[] { 4, 0, 0 });
                }

                tcp.Client.LingerState = new LingerOption(true, 0);
            });
            await Task.WhenAll(tasks);
        }

        await AssertServerStillServesAsync();
        long after = 0;
        var settled = await _controller.WaitForAsync(
            _ =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                after = GC.GetTotalMemory(true);
                return after - baseline < 32L << 20;
            },
            TimeSpan.FromSeconds(10));
        TestContext.Out.WriteLine($"managed heap baseline {baseline >> 10} KiB, after {after >> 10} KiB");
        Assert.That(settled, Is.True, $"managed memory grew by {(after - baseline) >> 20} MiB");
    }
}
