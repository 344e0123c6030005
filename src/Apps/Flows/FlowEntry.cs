using System.Collections.Immutable;
using OpenFlow;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;

namespace Apps.Flows;

/// <summary>
/// One flow as an app wants it (or as the switch reports it): everything a FLOW_MOD ADD carries
/// that survives into the flow table. Value equality covers every field; <see cref="Key"/> is the
/// identity OpenFlow itself uses for strict matching, (table, priority, match), as in OVN's ofctrl.
/// </summary>
public sealed record FlowEntry
{
    private readonly ImmutableArray<OfpInstruction> _instructions = [];

    public byte TableId { get; init; }

    public ushort Priority { get; init; }

    public Match Match { get; init; } = Match.Empty;

    /// <summary>Instructions in OpenFlow order (apply_actions before goto_table); empty means drop.</summary>
    public ImmutableArray<OfpInstruction> Instructions
    {
        get => _instructions;
        init => _instructions = value.IsDefault ? [] : value;
    }

    public Cookie Cookie { get; init; }

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public FlowModFlags Flags { get; init; }

    /// <summary>
    /// The strict identity of the flow in its switch, with the match in canonical field order so a
    /// flow read back from the switch has the same key as the one that was built.
    /// </summary>
    public FlowKey Key => new(TableId, Priority, Match.ToCanonicalOrder());

    /// <summary>The same entry with its match in canonical field order.</summary>
    public FlowEntry Canonical() => Match.IsCanonical ? this : this with { Match = Match.ToCanonicalOrder() };

    public bool Equals(FlowEntry? other) =>
        other is not null
        && TableId == other.TableId
        && Priority == other.Priority
        && Cookie == other.Cookie
        && IdleTimeout == other.IdleTimeout
        && HardTimeout == other.HardTimeout
        && Flags == other.Flags
        && Match.Equals(other.Match)
        && Instructions.SequenceEqual(other.Instructions);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(TableId);
        h.Add(Priority);
        h.Add(Match);
        h.Add(Cookie);
        foreach (var i in Instructions)
        {
            h.Add(i);
        }

        return h.ToHashCode();
    }

    /// <summary>Same instructions, timeouts and flags (what MODIFY/ADD would change), ignoring the cookie.</summary>
    public bool SameBehaviour(FlowEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return IdleTimeout == other.IdleTimeout
            && HardTimeout == other.HardTimeout
            && Flags == other.Flags
            && Instructions.SequenceEqual(other.Instructions);
    }

    /// <summary>An ovs-ofctl-like line, e.g. <c>cookie=0xb70000000000000, table=21, priority=1, vlan_vid=0x1001 actions=pop_vlan,...</c>.</summary>
    public override string ToString() => FlowText.Format(this);
}
