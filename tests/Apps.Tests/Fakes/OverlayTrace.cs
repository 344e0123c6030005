using Apps.Overlay;
using Apps.Flows;
using Apps.Model;

namespace Apps.Tests.Fakes;

internal sealed class OverlayTrace
{
    public List<OverlayDelivery> Deliveries { get; } = [];

    public List<OverlayHop> TunnelHops { get; } = [];

    public List<string> Violations { get; } = [];
}
