using System.Diagnostics;
using OpenFlow.Messages;
using OpenFlow.Wire;

namespace OpenFlow.Bench;

/// <summary>
/// A quick single-thread measurement (no BenchmarkDotNet): messages per second per core and bytes
/// allocated per message, for each hot path, over a fixed time after a warm-up.
/// </summary>
public static class Rates
{
    public static void Run(TimeSpan perCase)
    {
        var buffer = new byte[65536];
        var brTun = Samples.BrTunFloodFlowMod();
        var learn = Samples.LearnFlowMod();
        var brTunBytes = MessageCodec.Encode(brTun);
        var learnBytes = MessageCodec.Encode(learn);
        var packetIn = Samples.PacketIn64();

        Console.WriteLine("msgs/s/core divides by the CPU time this process used (fair on a loaded machine);");
        Console.WriteLine("wall msgs/s divides by elapsed time.");
        Console.WriteLine($"{"case",-24} {"msgs/s/core",12} {"ns/msg(cpu)",12} {"wall msgs/s",12} {"B alloc/msg",12} {"bytes",6}");
        Measure("encode br-tun FLOW_MOD", perCase, brTunBytes.Length, () => MessageCodec.Encode(brTun, buffer));
        Measure("encode learn FLOW_MOD", perCase, learnBytes.Length, () => MessageCodec.Encode(learn, buffer));
        Measure("decode PACKET_IN (64B)", perCase, packetIn.Length, () => MessageCodec.Decode(packetIn).Xid);
        Measure("decode br-tun FLOW_MOD", perCase, brTunBytes.Length, () => MessageCodec.Decode(brTunBytes).Xid);
        Measure("decode learn FLOW_MOD", perCase, learnBytes.Length, () => MessageCodec.Decode(learnBytes).Xid);
    }

    private static void Measure(string name, TimeSpan duration, int size, Func<long> op)
    {
        long sink = 0;
        for (var i = 0; i < 200_000; i++)
        {
            sink += op();
        }

        const int batch = 10_000;
        long n = 0;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            for (var i = 0; i < batch; i++)
            {
                sink += op();
            }

            n += batch;
        }

        sw.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        var wall = n / sw.Elapsed.TotalSeconds;
        var rate = n / cpu;
        GC.KeepAlive(sink);
        Console.WriteLine($"{name,-24} {rate,12:N0} {1e9 / rate,12:F1} {wall,12:N0} {(double)alloc / n,12:F1} {size,6}");
    }
}
