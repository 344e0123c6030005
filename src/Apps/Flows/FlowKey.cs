using OpenFlow.Matching;

namespace Apps.Flows;

/// <summary>The strict identity of a flow: (table, priority, match), as OVN's ofctrl and OFPFC_*_STRICT use.</summary>
public readonly record struct FlowKey(byte TableId, ushort Priority, Match Match)
{
    public override string ToString() => $"table={TableId}, priority={Priority}, {FlowText.FormatMatch(Match)}";
}
