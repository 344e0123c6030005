using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// A connection that can hand unsolicited flow monitor messages (OVS's updates: flow monitor replies
/// with xid 0, NXT_FLOW_MONITOR_PAUSED/RESUMED) to one subscriber. The reply to the monitor request
/// itself still completes the request (it has the request's xid).
/// </summary>
public interface IFlowMonitorSource
{
    /// <summary>
    /// Sets the receiver of the updates, or null to drop them. It runs on the switch's event loop, in
    /// arrival order: it must be cheap and never block.
    /// </summary>
    void SetFlowMonitorHandler(Action<OfpMessage>? handler);
}
