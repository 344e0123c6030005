namespace OfBench;

/// <summary>Cumulative counts of one switch (or a sum over switches) at one instant.</summary>
internal readonly record struct SwitchCounters(long Handled, long FlowMods, long PacketOuts, long PacketIns, long Lost, long Errors)
{
    public static SwitchCounters operator +(SwitchCounters a, SwitchCounters b) => new(
        a.Handled + b.Handled, a.FlowMods + b.FlowMods, a.PacketOuts + b.PacketOuts,
        a.PacketIns + b.PacketIns, a.Lost + b.Lost, a.Errors + b.Errors);

    public static SwitchCounters operator -(SwitchCounters a, SwitchCounters b) => new(
        a.Handled - b.Handled, a.FlowMods - b.FlowMods, a.PacketOuts - b.PacketOuts,
        a.PacketIns - b.PacketIns, a.Lost - b.Lost, a.Errors - b.Errors);
}
