using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Integration.Tests.Harness;
using OfBench;

namespace Integration.Tests.Bench;

/// <summary>
/// OfBench against a real peer, ovs-testcontroller (a C MAC-learning controller): the emulated
/// switches complete an OpenFlow 1.3 handshake and the controller answers their PACKET_INs.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OfBenchSmokeTests
{
    private Process? _controller;
    private string? _dir;

    [TearDown]
    public void StopController()
    {
        if (_controller is { HasExited: false })
        {
            _controller.Kill();
            _controller.WaitForExit(5000);
        }

        _controller?.Dispose();
        _controller = null;
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [TestCase("throughput")]
    [TestCase("latency")]
    [CancelAfter(20_000)]
    public async Task TwoSwitches_TwoRounds_AgainstOvsTestcontroller_AreAnswered(string modeName, CancellationToken ct)
    {
        var mode = modeName == "latency" ? BenchMode.Latency : BenchMode.Throughput;
        OvsPreconditions.RequireCommand("ovs-testcontroller", "apt-get install openvswitch-testcontroller");
        var exe = FindOnPath("ovs-testcontroller")!;

        var port = FreeLoopbackPort();
        _dir = Directory.CreateTempSubdirectory("ofbench-smoke-").FullName;
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { $"--unixctl={_dir}/ctl", "-O", "OpenFlow13", $"ptcp:{port}:127.0.0.1" })
        {
            start.ArgumentList.Add(a);
        }

        _controller = Process.Start(start)!;
        _controller.BeginOutputReadLine();
        _controller.BeginErrorReadLine();
        await WaitForListenerAsync(port, ct);

        var options = new BenchOptions
        {
            Controller = new IPEndPoint(IPAddress.Loopback, port),
            Switches = 2,
            Mode = mode,
            Rounds = 2,
            RoundMs = 500,
            WarmupRounds = 0,
            SettleMs = 200,
            ConnectTimeoutMs = 10_000,
        };
        var result = await new BenchRunner(options, TestContext.Out).RunAsync(ct);
        await TestContext.Out.WriteLineAsync(result.ToResultLine());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(result.Connected, Is.EqualTo(2));
            Assert.That(result.Rounds, Has.Count.EqualTo(2));
            Assert.That(result.Avg, Is.GreaterThan(0), "packets handled per second");
            Assert.That(result.PacketOutsAvg, Is.GreaterThan(0), "ovs-testcontroller answers unbuffered PACKET_INs with PACKET_OUTs");
            if (mode == BenchMode.Latency)
            {
                Assert.That(result.LatencyP50Us, Is.GreaterThan(0));
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitForListenerAsync(int port, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(50, ct);
            }
        }
    }
}
