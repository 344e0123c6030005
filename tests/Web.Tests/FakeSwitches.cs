using Controller.Switches;

namespace Web.Tests;

/// <summary>A switch directory with fixed contents, for the switch page without an OpenFlow switch.</summary>
internal sealed class FakeSwitches(SwitchInfo info, SwitchFlowsInfo flows) : ISwitchDirectory
{
    public IReadOnlyList<SwitchInfo> List() => [info];

    public SwitchInfo? Find(ulong datapathId) => datapathId == info.DatapathId ? info : null;

    public SwitchFlowsInfo? Flows(ulong datapathId) => datapathId == info.DatapathId ? flows : null;
}
