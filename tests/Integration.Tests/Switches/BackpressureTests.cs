using OpenFlow;
using OpenFlow.Messages;

namespace Integration.Tests.Switches;

/// <summary>SendAsync against a switch that stops reading: it waits for writability instead of queueing without bound.</summary>
[TestFixture]
[NonParallelizable]
public sealed class BackpressureTests
{
    [Test]
    public async Task BigBatchToASlowReaderCompletesOnlyOnceTheReaderCatchesUp()
    {
        const int count = 20_000;
        await using var controller = await InProcessController.StartAsync(new Dictionary<string, string?>
        {
            ["OpenFlow:EchoInterval"] = "00:00:20",
            ["OpenFlow:EchoTimeout"] = "00:01:00",
        });
        var dpid = 0xbac4_0000_0000_0001UL;
        using var client = await RawOfClient.ConnectAsync(controller.Port);
        await client.HandshakeAsync(dpid);
        Assert.That(await controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True);
        var conn = controller.Registry.Find(new DatapathId(dpid))!;

        var payload = new byte[1024];
        var batch = Enumerable.Range(0, count).Select(_ => (OfpMessage)new EchoRequest { Data = payload }).ToList();
        var send = conn.SendAsync(batch);

        // ~20 MiB cannot fit in the socket buffers plus the 1 MiB high-water mark while nobody reads.
        await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.That(send.IsCompleted, Is.False, "SendAsync waits for the slow reader");

        var received = 0;
        while (received < count)
        {
            var m = await client.ReadAsync(TimeSpan.FromSeconds(10));
            Assert.That(m, Is.InstanceOf<EchoRequest>(), $"after {received} messages");
            received++;
        }

        await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(conn.IsActive, Is.True);
    }
}
