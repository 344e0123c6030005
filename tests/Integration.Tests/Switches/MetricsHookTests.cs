using System.Collections.Concurrent;
using Controller.Switches;
using Microsoft.Extensions.DependencyInjection;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Integration.Tests.Switches;

/// <summary>An IOpenFlowMetrics registered before AddOpenFlowServer receives the server's events.</summary>
[TestFixture]
[NonParallelizable]
public sealed class MetricsHookTests
{
    [Test]
    public async Task RegisteredMetricsSeeConnectionsMessagesErrorsAndBarriers()
    {
        var metrics = new RecordingMetrics();
        await using var controller = await InProcessController.StartAsync(configureServices: s => s.AddSingleton<IOpenFlowMetrics>(metrics));
        const ulong dpid = 0x3e7_0000_0000_0001UL;
        using (var sw = await RawOfClient.ConnectAsync(controller.Port))
        {
            await sw.HandshakeAsync(dpid);
            Assert.That(await controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True);
            var conn = controller.Registry.Find(new DatapathId(dpid))!;
            var barrier = conn.BarrierAsync();
            var request = await sw.ReadAsync<BarrierRequest>();
            await sw.SendAsync(new BarrierReply { Xid = request.Xid });
            await barrier;
        }

        using (var bad = await RawOfClient.ConnectAsync(controller.Port))
        {
            await bad.ReadAsync<Hello>();
            await bad.SendAsync([4, 0, 0, 4, 0, 0, 0, 0]);
            Assert.That(await bad.WaitClosedAsync(TimeSpan.FromSeconds(2)), Is.True);
        }

        Assert.That(await controller.WaitForAsync(_ => metrics.Disconnected == 1 && metrics.Errors.ContainsKey(OpenFlowErrorKind.Framing), TimeSpan.FromSeconds(5)), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Connected, Is.EqualTo(1));
            Assert.That(metrics.In.GetValueOrDefault(OfpType.Hello), Is.EqualTo(1));
            Assert.That(metrics.In.GetValueOrDefault(OfpType.BarrierReply), Is.EqualTo(1));
            Assert.That(metrics.Out.GetValueOrDefault(OfpType.Hello), Is.EqualTo(2));
            Assert.That(metrics.Out.GetValueOrDefault(OfpType.RoleRequest), Is.EqualTo(1));
            Assert.That(metrics.Barriers, Is.EqualTo(1));
        }
    }

    private sealed class RecordingMetrics : IOpenFlowMetrics
    {
        private int _connected;
        private int _disconnected;
        private int _barriers;

        public ConcurrentDictionary<OfpType, int> In { get; } = new();

        public ConcurrentDictionary<OfpType, int> Out { get; } = new();

        public ConcurrentDictionary<OpenFlowErrorKind, int> Errors { get; } = new();

        public int Connected => Volatile.Read(ref _connected);

        public int Disconnected => Volatile.Read(ref _disconnected);

        public int Barriers => Volatile.Read(ref _barriers);

        public void MessageIn(OfpType type) => In.AddOrUpdate(type, 1, (_, n) => n + 1);

        public void MessageOut(OfpType type) => Out.AddOrUpdate(type, 1, (_, n) => n + 1);

        public void Error(OpenFlowErrorKind kind) => Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

        public void SwitchConnected() => Interlocked.Increment(ref _connected);

        public void SwitchDisconnected() => Interlocked.Increment(ref _disconnected);

        public void BarrierLatency(TimeSpan latency) => Interlocked.Increment(ref _barriers);
    }
}
