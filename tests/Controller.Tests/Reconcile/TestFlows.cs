using Apps.Flows;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;

namespace Controller.Tests.Reconcile;

internal static class TestFlows
{
    /// <summary>A flow of the test app: table, priority, in_port + eth_dst match, output actions.</summary>
    public static FlowEntry Ours(byte table, ushort priority, uint inPort, ulong local = 1, params uint[] outputs) => new()
    {
        TableId = table,
        Priority = priority,
        Cookie = ListApp.TestId.Cookie(local),
        Match = Match.Canonical(Oxm.InPort(inPort), Oxm.EthDst(new MacAddress(0x0200_0000_0000UL + inPort))),
        Instructions = outputs.Length == 0 ? [] : [new ApplyActions(outputs.Select(p => (OfpAction)new OutputAction(p, 0)).ToArray())],
    };

    public static FlowEntry Foreign(byte table, ushort priority, uint inPort) =>
        Ours(table, priority, inPort, 0, 9) with { Cookie = new Cookie(0x1234_0000_0000_0001UL) };

    public static FlowEntry Learned(uint inPort) =>
        Ours(20, 1, inPort, 0, 7) with { Cookie = ListApp.LearnedCookie, HardTimeout = 300 };

    public static IReadOnlyList<FlowEntry> Desired() =>
    [
        Ours(0, 10, 1, 1, 2),
        Ours(0, 10, 2, 1, 1),
        Ours(0, 0, 3),
        Ours(1, 5, 4, 2, 3, 4),
        Ours(2, 5, 5, 2, 1),
    ];
}
