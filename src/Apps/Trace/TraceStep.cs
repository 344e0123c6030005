namespace Apps.Trace;

/// <summary>
/// One table visit: the flow that matched (null on a table miss), its text as ovs-ofctl prints it, what
/// each action did, and the packet after them. <see cref="Learned"/> lists the flows a learn action would
/// write (described, never applied: a trace has no side effects).
/// </summary>
public sealed record TraceStep(
    byte Table,
    Flows.FlowEntry? Flow,
    string? FlowText,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Learned,
    TracePacket Packet,
    string? Note = null);
