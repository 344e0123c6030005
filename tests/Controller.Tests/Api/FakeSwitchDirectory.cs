using Controller.Switches;

namespace Controller.Tests.Api;

/// <summary>One connected switch with a 64-bit datapath id, to check how /switches renders it.</summary>
internal sealed class FakeSwitchDirectory : ISwitchDirectory
{
    public const ulong Dpid = 0x0000_a1b2_c3d4_e5f6;

    private static readonly SwitchInfo Switch = new(
        Dpid,
        "127.0.0.1:50000",
        [new SwitchPortInfo(1, "patch-int", "02:00:00:00:00:01", true, true)],
        "equal",
        DateTimeOffset.UnixEpoch,
        10,
        20,
        0,
        "BrTunPipeline");

    public IReadOnlyList<SwitchInfo> List() => [Switch];

    public SwitchInfo? Find(ulong datapathId) => datapathId == Dpid ? Switch : null;

    public SwitchFlowsInfo? Flows(ulong datapathId) => datapathId == Dpid
        ? new SwitchFlowsInfo(Dpid, ["table=0, priority=0 actions=drop"], ["table=0, priority=0 actions=drop"], null)
        : null;
}
