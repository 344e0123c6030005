using OpenFlow.Messages;
using OpenFlow.Nicira;

namespace Controller.Switches;

/// <summary>Delivery of the switch's unsolicited flow monitor updates to one subscriber (the reconciler).</summary>
internal sealed partial class SwitchSession : IFlowMonitorSource
{
    private volatile Action<OfpMessage>? _flowMonitor;

    public void SetFlowMonitorHandler(Action<OfpMessage>? handler) => _flowMonitor = handler;

    /// <summary>On the event loop: true when <paramref name="m"/> is a flow monitor update (handled or dropped here).</summary>
    private bool OnFlowMonitorUpdate(OfpMessage m)
    {
        if (m is not (MultipartReply { Xid: 0, Body: NxFlowMonitorReply } or NxFlowMonitorPaused or NxFlowMonitorResumed))
        {
            return false;
        }

        _flowMonitor?.Invoke(m);
        return true;
    }
}
