using Controller.Switches;

namespace Web.Tests;

/// <summary>A switch directory with fixed contents, for the switch page without an OpenFlow switch.</summary>
internal sealed class FakeSwitches(params (SwitchInfo Info, SwitchFlowsInfo Flows)[] switches) : ISwitchDirectory
{
    public IReadOnlyList<SwitchInfo> List() => [.. switches.Select(s => s.Info)];

    public SwitchInfo? Find(ulong datapathId) => switches.FirstOrDefault(s => s.Info.DatapathId == datapathId).Info;

    public SwitchFlowsInfo? Flows(ulong datapathId) => switches.FirstOrDefault(s => s.Info.DatapathId == datapathId).Flows;

    /// <summary>A switch with a LOCAL port named <paramref name="bridge"/> and no flows.</summary>
    public static (SwitchInfo, SwitchFlowsInfo) Bridge(ulong dpid, string bridge, string app) => (
        new SwitchInfo(dpid, "127.0.0.1:40000", [new SwitchPortInfo(4294967294, bridge, "02:00:00:00:00:01", true, true)], "equal", DateTimeOffset.UtcNow, 10, 10, 0, app),
        new SwitchFlowsInfo(dpid, [], [], null));
}
