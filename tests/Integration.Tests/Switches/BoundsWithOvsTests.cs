using Tests.Shared;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Controller.Switches;
using Integration.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Integration.Tests.Switches;

/// <summary>
/// Each per-switch bound against a hostile raw TCP switch while a real OVS bridge stays connected to
/// the same controller: the bound holds, and the real switch keeps its session and answers barriers
/// throughout. Floods are bounded in count and last a few seconds.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BoundsWithOvsTests
{
    private const int LogBurst = 10;
    private InProcessController? _controller;
    private OvsHypervisor? _host;
    private IDisposable? _handler;
    private ISwitchConnection _ovs = null!;
    private ulong _ovsDpid;
    private readonly CountingLoggerProvider _logs = new();

    private InProcessController Controller => _controller!;

    [SetUp]
    public async Task SetUpAsync()
    {
        OvsPreconditions.RequireRootAndOvs();
        _controller = await InProcessController.StartAsync(
            new Dictionary<string, string?>
            {
                ["OpenFlow:MultipartMaxMessages"] = "64",
                ["OpenFlow:LogBurst"] = LogBurst.ToString(CultureInfo.InvariantCulture),
                ["OpenFlow:LogWindow"] = "00:01:00",
                ["OpenFlow:TakeoverProbeTimeout"] = "00:00:01",
            },
            configureServices: s => s.AddLogging(l => l.AddProvider(_logs)));
        _handler = Controller.Registry.HandlePacketIns(new FloodingHandler());
        _host = await OvsHypervisor.StartAsync(TestPrefix.New(), 1);
        _ovsDpid = ulong.Parse(await _host.DatapathIdAsync(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        await _host.SetControllerAsync(Controller.Port);
        Assert.That(await Controller.WaitForSwitchAsync(_ovsDpid, TimeSpan.FromSeconds(5)), Is.True, "the real OVS connects");
        _ovs = Controller.Registry.Find(new DatapathId(_ovsDpid))!;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        _handler?.Dispose();
        try
        {
            if (_host is not null)
            {
                await _host.VsctlAsync("del-controller", OvsHypervisor.BrTun);
                await _host.DisposeAsync();
                _host = null;
            }
        }
        finally
        {
            if (_controller is not null)
            {
                await _controller.DisposeAsync();
                _controller = null;
            }
        }
    }

    /// <summary>Barriers to the real switch while <paramref name="hostile"/> runs; returns the slowest.</summary>
    private async Task<TimeSpan> OvsKeepsAnsweringAsync(Task hostile)
    {
        var worst = TimeSpan.Zero;
        var count = 0;
        do
        {
            var sw = Stopwatch.StartNew();
            await _ovs.BarrierAsync().WaitAsync(TimeSpan.FromSeconds(3));
            worst = sw.Elapsed > worst ? sw.Elapsed : worst;
            count++;
            await Task.Delay(50);
        }
        while (!hostile.IsCompleted);
        await hostile;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.GreaterThan(0));
            Assert.That(Controller.Registry.Find(new DatapathId(_ovsDpid)), Is.SameAs(_ovs), "the real switch keeps its session");
            Assert.That(_ovs.IsActive, Is.True);
        }

        await TestContext.Out.WriteLineAsync($"{count} barriers to OVS during the flood, slowest {worst.TotalMilliseconds:F1} ms");
        return worst;
    }

    [Test]
    public async Task PacketInFloodFromASlowReader_IsDroppedNotBuffered()
    {
        const ulong dpid = 0xb0d5_0000_0000_0001UL;
        using var c = await RawOfClient.ConnectAsync(Controller.Port);
        await c.HandshakeAsync(dpid, new Port { PortNo = 1, Name = "p1" });
        Assert.That(await Controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True);
        var hostile = Controller.Registry.Find(new DatapathId(dpid))!;
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;

        // PACKET_INs as fast as the socket takes them, for up to 3 s and at most 3 million, from a peer that never
        // reads the answers; OFC_FLOOD_SECONDS=20 runs the 20 s version (up to 20 million) by hand.
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("OFC_FLOOD_SECONDS"), out var s) && s is > 0 and <= 60 ? s : 3;
        var one = MessageCodec.Encode(new PacketIn { Data = new byte[64], TotalLen = 64, Match = OpenFlow.Matching.Match.Canonical(OpenFlow.Matching.Oxm.InPort(1)) });
        var chunk = new byte[one.Length * 1000];
        for (var i = 0; i < 1000; i++)
        {
            one.CopyTo(chunk, i * one.Length);
        }

        var flood = Task.Run(async () =>
        {
            var until = Stopwatch.StartNew();
            for (var i = 0; i < 1000 * seconds && until.Elapsed < TimeSpan.FromSeconds(seconds); i++)
            {
                await c.SendAsync(chunk).WaitAsync(TimeSpan.FromSeconds(5));
            }
        });
        var peak = before;
        var sampling = Task.Run(async () =>
        {
            while (!flood.IsCompleted)
            {
                peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
                await Task.Delay(100);
            }
        });
        await OvsKeepsAnsweringAsync(flood);
        await sampling;
        var grown = Process.GetCurrentProcess().WorkingSet64 - before;
        await TestContext.Out.WriteLineAsync($"hostile, {seconds} s: {hostile.Counters.In(OfpType.PacketIn)} PACKET_INs in, {hostile.Counters.PacketInsDropped} dropped, {hostile.Counters.Out(OfpType.PacketOut)} answered; working set {before >> 20} MiB before, peak +{(peak - before) >> 20} MiB, +{grown >> 20} MiB at the end");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hostile.Counters.PacketInsDropped, Is.GreaterThan(0), "answers stop at the high-water mark");
            Assert.That(hostile.Counters.Out(OfpType.PacketOut), Is.LessThan(hostile.Counters.In(OfpType.PacketIn)));
            Assert.That(peak - before, Is.LessThan(300L << 20), "memory does not follow the flood, at any point of it");
        }
    }

    [Test]
    public async Task ErrorFlood_WritesABoundedLog()
    {
        const ulong dpid = 0xb0d5_0000_0000_0002UL;
        using var c = await RawOfClient.ConnectAsync(Controller.Port);
        await c.HandshakeAsync(dpid, new Port { PortNo = 1, Name = "p1" });
        Assert.That(await Controller.WaitForSwitchAsync(dpid, TimeSpan.FromSeconds(5)), Is.True);
        var hostile = Controller.Registry.Find(new DatapathId(dpid))!;
        var one = MessageCodec.Encode(new ErrorMessage { Xid = 9, ErrorType = ErrorType.BadRequest, Code = 1, Data = new byte[64] });
        var chunk = new byte[one.Length * 1000];
        for (var i = 0; i < 1000; i++)
        {
            one.CopyTo(chunk, i * one.Length);
        }

        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await c.SendAsync(chunk).WaitAsync(TimeSpan.FromSeconds(5));
            }
        });
        await OvsKeepsAnsweringAsync(flood);
        await Poll.UntilAsync(() => Task.FromResult(hostile.Counters.Errors == 200_000), TimeSpan.FromSeconds(10), "all 200,000 errors read");
        var lines = _logs.Count(1107);
        await TestContext.Out.WriteLineAsync($"200,000 OFPT_ERRORs -> {lines} error lines, {_logs.Bytes} bytes of log in total");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines, Is.EqualTo(LogBurst), "one window's burst");
            Assert.That(_logs.Bytes, Is.LessThan(64 << 10), "kilobytes, not megabytes");
        }
    }

    [Test]
    public async Task EndlessMultipartReply_IsRefusedWithOverflowAndClosed()
    {
        using var c = await RawOfClient.ConnectAsync(Controller.Port);
        await c.ReadAsync<Hello>();
        await c.SendAsync(Hello.ForOpenFlow13(1));
        await c.SendAsync(new FeaturesReply { Xid = (await c.ReadAsync<FeaturesRequest>()).Xid, DatapathId = new DatapathId(0xb0d5_0000_0000_0003UL) });
        await c.ReadAsync<SetConfig>();
        var request = await c.ReadAsync<MultipartRequest>();
        var part = MessageCodec.Encode(new MultipartReply
        {
            Xid = request.Xid,
            Flags = MultipartFlags.More,
            Body = new PortDescReply { Ports = [.. Enumerable.Range(1, 100).Select(i => new Port { PortNo = (uint)i, Name = $"p{i}" })] },
        });
        var sent = 0;
        var flood = Task.Run(async () =>
        {
            try
            {
                for (; sent < 10_000; sent++)
                {
                    await c.SendAsync(part).WaitAsync(TimeSpan.FromSeconds(5));
                }
            }
            catch (IOException)
            {
                // The controller closed the connection: expected.
            }
        });
        var error = await c.ReadAsync<ErrorMessage>(TimeSpan.FromSeconds(5));
        await OvsKeepsAnsweringAsync(flood);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ErrorType, Is.EqualTo(ErrorType.BadRequest));
            Assert.That(error.Code, Is.EqualTo((ushort)BadRequestCode.MultipartBufferOverflow));
            Assert.That(await c.WaitClosedAsync(TimeSpan.FromSeconds(3)), Is.True);
            Assert.That(sent, Is.LessThan(10_000), "the peer could not go on sending parts");
        }
    }

    [Test]
    public async Task ImpostorWithTheLiveSwitchsDatapathId_IsRefused()
    {
        for (var i = 0; i < 5; i++)
        {
            using var impostor = await RawOfClient.ConnectAsync(Controller.Port);
            await impostor.HandshakeAsync(_ovsDpid, new Port { PortNo = 1, Name = "fake" });
            Assert.That(await impostor.WaitClosedAsync(TimeSpan.FromSeconds(3)), Is.True, $"impostor {i} closed");
        }

        await OvsKeepsAnsweringAsync(Task.CompletedTask);
        Assert.That(Controller.Registry.Find(_ovsDpid)!.Ports.Select(p => p.Name), Does.Not.Contain("fake"));
    }

    /// <summary>Answers every PACKET_IN with a flood PACKET_OUT carrying the frame, like a hub.</summary>
    private sealed class FloodingHandler : IPacketInHandler
    {
        public void OnPacketIn(ISwitchConnection connection, in PacketInView packetIn, IPacketOutput output)
        {
            var answer = output.Reserve(OfpType.PacketOut, InPlaceEncoder.PacketOutLength(packetIn.Data.Length), out var xid);
            if (!answer.IsEmpty)
            {
                InPlaceEncoder.WritePacketOut(answer, xid, OfpConstants.NoBuffer, packetIn.InPort ?? OfpPort.Controller, OfpPort.Flood, packetIn.Data);
            }
        }
    }

    /// <summary>Counts log lines by event id and the bytes of their text.</summary>
    private sealed class CountingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, int> _byEvent = new();
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public int Count(int eventId) => _byEvent.GetValueOrDefault(eventId);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            _byEvent.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
            Interlocked.Add(ref _bytes, formatter(state, exception).Length + 1);
        }

        public void Dispose()
        {
        }
    }
}
