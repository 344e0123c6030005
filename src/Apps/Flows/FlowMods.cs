using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Apps.Flows;

/// <summary>Conversions between <see cref="FlowEntry"/> and the wire messages that carry flows.</summary>
public static class FlowMods
{
    /// <summary>OFPFC_ADD of the whole entry.</summary>
    public static FlowMod Add(FlowEntry flow, uint bufferId = OfpConstants.NoBuffer)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new FlowMod
        {
            Command = FlowModCommand.Add,
            Cookie = flow.Cookie,
            TableId = flow.TableId,
            Priority = flow.Priority,
            IdleTimeout = flow.IdleTimeout,
            HardTimeout = flow.HardTimeout,
            Flags = flow.Flags,
            BufferId = bufferId,
            Match = flow.Match,
            Instructions = flow.Instructions,
        };
    }

    /// <summary>
    /// OFPFC_MODIFY_STRICT: replaces the instructions of the flow with the same (table, priority,
    /// match) whose cookie equals the entry's (cookie_mask all ones). OpenFlow 1.3 keeps the
    /// installed cookie, timeouts and flags on MODIFY.
    /// </summary>
    public static FlowMod ModifyStrict(FlowEntry flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return Add(flow) with { Command = FlowModCommand.ModifyStrict, CookieMask = ulong.MaxValue };
    }

    /// <summary>OFPFC_DELETE_STRICT of exactly this flow: same (table, priority, match) and the same cookie.</summary>
    public static FlowMod DeleteStrict(FlowEntry flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new FlowMod
        {
            Command = FlowModCommand.DeleteStrict,
            Cookie = flow.Cookie,
            CookieMask = ulong.MaxValue,
            TableId = flow.TableId,
            Priority = flow.Priority,
            Match = flow.Match,
        };
    }

    /// <summary>An entry of a flow stats reply as a <see cref="FlowEntry"/> (counters dropped).</summary>
    public static FlowEntry FromStats(FlowStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new FlowEntry
        {
            TableId = stats.TableId,
            Priority = stats.Priority,
            Match = stats.Match,
            Instructions = stats.Instructions,
            Cookie = stats.Cookie,
            IdleTimeout = stats.IdleTimeout,
            HardTimeout = stats.HardTimeout,
            Flags = stats.Flags,
        };
    }
}
