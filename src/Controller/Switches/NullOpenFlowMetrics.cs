using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>The default <see cref="IOpenFlowMetrics"/>: records nothing.</summary>
public sealed class NullOpenFlowMetrics : IOpenFlowMetrics
{
    public static readonly NullOpenFlowMetrics Instance = new();

    public void MessageIn(OfpType type)
    {
    }

    public void MessageOut(OfpType type)
    {
    }

    public void Error(OpenFlowErrorKind kind)
    {
    }

    public void SwitchConnected()
    {
    }

    public void SwitchDisconnected()
    {
    }

    public void BarrierLatency(TimeSpan latency)
    {
    }
}
