using Apps.Flows;

namespace Apps.Trace;

/// <summary>What a trace needs of one connected switch: its ports and its flows (the controller's desired set).</summary>
public sealed record SwitchView(SwitchSnapshot Switch, IReadOnlyCollection<FlowEntry> Flows)
{
    public IReadOnlyDictionary<uint, string> PortNames { get; } = Switch.Ports.GroupBy(p => p.Number).ToDictionary(g => g.Key, g => g.First().Name);
}
