namespace OpenFlow.Nicira;

/// <summary>
/// What a flow monitor reports (<c>enum nx_flow_monitor_flags</c>, identical values in OVS's ONF form
/// <c>ONFFMF_*</c>). A request must carry at least one of <see cref="Add"/>, <see cref="Delete"/>,
/// <see cref="Modify"/>, or OVS refuses it with OFPMOFC_BAD_FLAGS.
/// </summary>
[Flags]
public enum NxFlowMonitorFlags : ushort
{
    None = 0,

    /// <summary>NXFMF_INITIAL: the reply to the request lists the flows that match now.</summary>
    Initial = 1 << 0,

    /// <summary>NXFMF_ADD: report flows as they are added.</summary>
    Add = 1 << 1,

    /// <summary>NXFMF_DELETE: report flows as they are removed.</summary>
    Delete = 1 << 2,

    /// <summary>NXFMF_MODIFY: report flows as they are changed.</summary>
    Modify = 1 << 3,

    /// <summary>NXFMF_ACTIONS: include the instructions in ADDED/MODIFIED updates.</summary>
    Actions = 1 << 4,

    /// <summary>
    /// NXFMF_OWN: report this connection's own changes in full; without it they come as
    /// <see cref="NxFlowUpdateEvent.Abbrev"/> carrying the xid of the FLOW_MOD that caused them.
    /// </summary>
    Own = 1 << 5,
}
