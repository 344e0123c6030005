using OpenFlow.Messages;

namespace Controller.Reconcile;

/// <summary>
/// Optional capability of an <see cref="IFlowSwitch"/>: OVS's flow monitor (NXST_FLOW_MONITOR; on
/// OpenFlow 1.3 its ONF form). A switch without it is only audited periodically.
/// </summary>
public interface IFlowMonitorSwitch
{
    /// <summary>
    /// Starts monitor <paramref name="id"/> on every table for added, deleted and modified flows, with
    /// this connection's own changes abbreviated (reported by xid only). Every later update (an
    /// unsolicited flow monitor reply, NXT_FLOW_MONITOR_PAUSED/RESUMED) is passed to
    /// <paramref name="onMessage"/> on the switch's I/O thread: it must be cheap and never block.
    /// Completes when the switch accepted the monitor; throws
    /// <see cref="Controller.Switches.OpenFlowErrorException"/> when it refuses it, and
    /// <see cref="NotSupportedException"/> when the connection cannot deliver updates.
    /// </summary>
    Task StartFlowMonitorAsync(uint id, Action<OfpMessage> onMessage, CancellationToken cancellationToken);

    /// <summary>Cancels the monitor (NXT_FLOW_MONITOR_CANCEL) and stops delivering its updates.</summary>
    Task StopFlowMonitorAsync(uint id, CancellationToken cancellationToken);
}
