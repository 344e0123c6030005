using Apps.Model;

namespace Apps.Trace;

/// <summary>One switch on the path: the host, its trace, and where each of its outputs went.</summary>
public sealed record TraceHop(int Index, HostInfo Host, string InPortName, SwitchTrace Trace, IReadOnlyList<HopOutput> Outputs, int? FromHop = null);
