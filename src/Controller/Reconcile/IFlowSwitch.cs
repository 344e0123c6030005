using Apps.Flows;
using OpenFlow.Messages;

namespace Controller.Reconcile;

/// <summary>
/// What the reconciler needs from a connected switch. The session adapts its connection to this;
/// it assigns xids to the messages it sends.
/// </summary>
public interface IFlowSwitch
{
    ulong DatapathId { get; }

    /// <summary>
    /// All flows (every table) whose cookie matches <paramref name="cookie"/> under
    /// <paramref name="cookieMask"/>: an OFPMP_FLOW request with table OFPTT_ALL, out_port/out_group
    /// ANY and an empty match, all reply parts collected.
    /// </summary>
    Task<IReadOnlyList<FlowEntry>> DumpFlowsAsync(ulong cookie, ulong cookieMask, CancellationToken cancellationToken);

    /// <summary>
    /// The number of flows in <paramref name="tableId"/> (0xff: all tables) whose cookie matches
    /// <paramref name="cookie"/> under <paramref name="cookieMask"/> (OFPMP_AGGREGATE's flow_count).
    /// </summary>
    Task<long> CountFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken);

    /// <summary>Sends the messages in order (written and flushed; not yet confirmed).</summary>
    Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a BARRIER_REQUEST and completes on its BARRIER_REPLY with the OFPT_ERRORs the switch
    /// returned for messages sent since the previous barrier (empty when all succeeded). Throws when
    /// the connection is lost.
    /// </summary>
    Task<IReadOnlyList<ErrorMessage>> BarrierAsync(CancellationToken cancellationToken);
}
