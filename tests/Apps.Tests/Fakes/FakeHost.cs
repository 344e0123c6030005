using Apps.Overlay;
using Apps.Flows;
using Apps.Model;

namespace Apps.Tests.Fakes;

internal sealed class FakeHost(HostInfo info, SwitchSnapshot sw)
{
    public HostInfo Info { get; } = info;

    public SwitchSnapshot Switch { get; } = sw;

    public IReadOnlySet<FlowEntry> Desired { get; set; } = FlowSet.Empty;

    public FakeFlowTable Table { get; set; } = new();

    public uint TunnelPortTo(FakeHost peer, TunnelType type) => Switch.FindPort(TunnelPortName.Format(type, peer.Info.TunnelIp))!.Number;
}
