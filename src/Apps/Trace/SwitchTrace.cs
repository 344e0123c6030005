namespace Apps.Trace;

/// <summary>
/// The path of one packet through one switch's tables: every step in order, every output in order,
/// and why it ended (<see cref="Verdict"/>).
/// </summary>
public sealed record SwitchTrace(TracePacket Input, IReadOnlyList<TraceStep> Steps, IReadOnlyList<TraceOutput> Outputs, TraceVerdict Verdict, string? Error = null)
{
    public bool Dropped => Outputs.Count == 0;
}
