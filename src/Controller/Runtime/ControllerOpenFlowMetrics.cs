using Controller.Metrics;
using Controller.Switches;
using OpenFlow.Protocol;

namespace Controller.Runtime;

/// <summary>
/// Feeds the OpenFlow server's hook into the controller's Prometheus metrics. Called on I/O threads:
/// the type and kind labels are precomputed strings, so nothing allocates per message.
/// </summary>
internal sealed class ControllerOpenFlowMetrics : IOpenFlowMetrics
{
    private static readonly string[] TypeNames = BuildTypeNames();
    private static readonly string[] KindNames = BuildKindNames();

    private readonly ControllerMetrics _metrics;

    public ControllerOpenFlowMetrics(ControllerMetrics metrics)
    {
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
    }

    public void MessageIn(OfpType type) => _metrics.MessageIn(TypeNames[(byte)type]);

    public void MessageOut(OfpType type) => _metrics.MessageOut(TypeNames[(byte)type]);

    public void Error(OpenFlowErrorKind kind) => _metrics.Error((int)kind < KindNames.Length ? KindNames[(int)kind] : "other");

    public void SwitchConnected() => _metrics.SwitchConnected();

    public void SwitchDisconnected() => _metrics.SwitchDisconnected();

    public void BarrierLatency(TimeSpan latency) => _metrics.BarrierLatency(latency);

    private static string[] BuildTypeNames()
    {
        var names = new string[256];
        for (var i = 0; i < names.Length; i++)
        {
            var t = (OfpType)i;
            names[i] = Enum.IsDefined(t) ? t.ToString() : "Unknown";
        }

        return names;
    }

    /// <summary>snake_case kind labels, e.g. <c>switch_error</c>, <c>request_timeout</c>.</summary>
    private static string[] BuildKindNames()
    {
        var values = Enum.GetValues<OpenFlowErrorKind>();
        var names = new string[values.Max(v => (int)v) + 1];
        foreach (var v in values)
        {
            var text = v.ToString();
            var sb = new System.Text.StringBuilder(text.Length + 4);
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsUpper(text[i]) && i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(text[i]));
            }

            names[(int)v] = sb.ToString();
        }

        return names;
    }
}
