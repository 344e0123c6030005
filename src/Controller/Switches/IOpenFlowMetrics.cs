using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>
/// Hook for process-wide OpenFlow metrics. Called on I/O threads: implementations must be cheap,
/// thread-safe and never block. The default does nothing; bind a real one (e.g. for REST
/// <c>/metrics</c>) by registering it before or instead of the default (it is added with TryAdd).
/// </summary>
public interface IOpenFlowMetrics
{
    void MessageIn(OfpType type);

    void MessageOut(OfpType type);

    void Error(OpenFlowErrorKind kind);

    void SwitchConnected();

    void SwitchDisconnected();

    void BarrierLatency(TimeSpan latency);
}
