namespace OpenFlow.Nicira;

/// <summary>The event of one flow monitor update (<c>enum nx_flow_update_event</c>, ONF: <c>ONFFME_*</c>).</summary>
public enum NxFlowUpdateEvent : ushort
{
    /// <summary>NXFME_ADDED: a flow was added (also every flow of an <see cref="NxFlowMonitorFlags.Initial"/> reply).</summary>
    Added = 0,

    /// <summary>NXFME_DELETED: a flow was removed (reason is an OFPRR_* value).</summary>
    Deleted = 1,

    /// <summary>NXFME_MODIFIED: a flow (generally its instructions) was changed.</summary>
    Modified = 2,

    /// <summary>NXFME_ABBREV: a change caused by this connection's own request, identified by its xid.</summary>
    Abbrev = 3,
}
