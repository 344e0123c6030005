using Controller.Metrics;
using Controller.Switches;
using OpenFlow.Protocol;
using Prometheus;

namespace Controller.Runtime;

/// <summary>
/// Feeds the OpenFlow server's hook into the controller's Prometheus metrics. Called on I/O threads:
/// the labelled children of every message type and error kind are cached by value, so a message costs an
/// array read and an increment and nothing allocates.
/// </summary>
internal sealed class ControllerOpenFlowMetrics : IOpenFlowMetrics
{
    /// <summary>snake_case kind labels, e.g. <c>switch_error</c>, <c>request_timeout</c>.</summary>
    private static readonly string[] KindNames = LabelValues.Of<OpenFlowErrorKind>(k => LabelValues.SnakeCase(k.ToString()));

    private readonly ControllerMetrics _metrics;
    private readonly IndexedChildren<Counter.Child> _in;
    private readonly IndexedChildren<Counter.Child> _out;
    private readonly IndexedChildren<Counter.Child> _errors;

    public ControllerOpenFlowMetrics(ControllerMetrics metrics)
    {
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _in = new IndexedChildren<Counter.Child>(metrics.MessagesIn, LabelValues.OfpTypes);
        _out = new IndexedChildren<Counter.Child>(metrics.MessagesOut, LabelValues.OfpTypes);
        _errors = new IndexedChildren<Counter.Child>(metrics.Errors, KindNames);
    }

    public void MessageIn(OfpType type) => _in[(byte)type].Inc();

    public void MessageOut(OfpType type) => _out[(byte)type].Inc();

    public void Error(OpenFlowErrorKind kind) => _errors[(int)kind].Inc();

    public void SwitchConnected() => _metrics.SwitchConnected();

    public void SwitchDisconnected() => _metrics.SwitchDisconnected();

    public void BarrierLatency(TimeSpan latency) => _metrics.BarrierLatency(latency);
}
