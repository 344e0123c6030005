namespace OfBench;

/// <summary>Rates over one round, per second.</summary>
internal sealed record RoundResult(int Number, bool Warmup, double Responses, double FlowMods, double PacketOuts, double PacketIns, long Lost);
