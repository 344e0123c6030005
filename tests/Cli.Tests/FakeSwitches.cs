using Controller.Switches;

namespace Cli.Tests;

/// <summary>One connected switch whose installed flows differ from the desired ones by one flow each way.</summary>
internal sealed class FakeSwitches : ISwitchDirectory
{
    public const ulong Dpid = 0x2a;
    public const string Same = "priority=0 actions=drop";
    public const string Missing = "table=1, priority=1,in_port=1 actions=goto_table:2";
    public const string Extra = "cookie=0x5, table=20, hard_timeout=300, priority=1,vlan_tci=0x0001/0x0fff,dl_dst=fa:16:3e:00:00:01 actions=output:2";

    private static readonly SwitchInfo Switch = new(
        Dpid, "127.0.0.1:50000", [new SwitchPortInfo(1, "patch-int", "02:00:00:00:00:01", true, true)], "equal", DateTimeOffset.UnixEpoch, 10, 20, 0, "BrTunPipeline");

    public IReadOnlyList<SwitchInfo> List() => [Switch];

    public SwitchInfo? Find(ulong datapathId) => datapathId == Dpid ? Switch : null;

    public SwitchFlowsInfo? Flows(ulong datapathId) => datapathId == Dpid ? new SwitchFlowsInfo(Dpid, [Same, Missing], [Extra, Same], null) : null;
}
