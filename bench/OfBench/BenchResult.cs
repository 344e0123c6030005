using System.Globalization;
using System.Text;

namespace OfBench;

/// <summary>The outcome of one run. <see cref="Error"/> is set when the run could not measure.</summary>
internal sealed record BenchResult
{
    public required BenchMode Mode { get; init; }

    public required int Switches { get; init; }

    public int Connected { get; init; }

    /// <summary>Until every switch has sent its FEATURES_REPLY.</summary>
    public double ConnectMs { get; init; }

    /// <summary>Until the last handshake-time message from the controller (PORT_DESC, ROLE, flow reads, ...).</summary>
    public double HandshakeMs { get; init; }

    public IReadOnlyList<RoundResult> Rounds { get; init; } = [];

    public double? LatencyAvgUs { get; init; }

    public double? LatencyP50Us { get; init; }

    public double? LatencyP99Us { get; init; }

    public string? Error { get; init; }

    /// <summary>Packets handled over the whole run, warm-up included (for CPU cost per packet).</summary>
    public long TotalHandled { get; init; }

    private IEnumerable<RoundResult> Measured => Rounds.Where(r => !r.Warmup);

    public double Avg => Measured.Select(r => r.Responses).DefaultIfEmpty(0).Average();

    public double Min => Measured.Select(r => r.Responses).DefaultIfEmpty(0).Min();

    public double Max => Measured.Select(r => r.Responses).DefaultIfEmpty(0).Max();

    public double FlowModsAvg => Measured.Select(r => r.FlowMods).DefaultIfEmpty(0).Average();

    public double PacketOutsAvg => Measured.Select(r => r.PacketOuts).DefaultIfEmpty(0).Average();

    public long Lost => Measured.Sum(r => r.Lost);

    /// <summary>One line of key=value pairs for scripts: <c>RESULT mode=... avg=...</c>.</summary>
    public string ToResultLine()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("RESULT");
        sb.Append(c, $" mode={Mode.ToString().ToLowerInvariant()} switches={Switches} connected={Connected} connect_ms={ConnectMs:F0} handshake_ms={HandshakeMs:F0}");
        if (Mode != BenchMode.Scale)
        {
            sb.Append(c, $" avg={Avg:F0} min={Min:F0} max={Max:F0} flow_mods={FlowModsAvg:F0} packet_outs={PacketOutsAvg:F0} lost={Lost} total={TotalHandled}");
        }

        if (LatencyAvgUs is { } avg)
        {
            sb.Append(c, $" lat_avg_us={avg:F1} lat_p50_us={LatencyP50Us:F1} lat_p99_us={LatencyP99Us:F1}");
        }

        if (Error is not null)
        {
            sb.Append(c, $" error=\"{Error.Replace('"', '\'')}\"");
        }

        return sb.ToString();
    }
}
