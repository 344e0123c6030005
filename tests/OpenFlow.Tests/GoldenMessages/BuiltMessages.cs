using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Oxm;
using OpenFlow.Protocol;

namespace OpenFlow.Tests.GoldenMessages;

/// <summary>
/// Messages built in code with every field set to a distinct non-default value, each with a
/// substring that <c>ovs-ofctl ofp-print</c> must show for our encoding.
/// </summary>
internal static class BuiltMessages
{
    public static readonly Port SamplePort = new()
    {
        PortNo = 7,
        HwAddr = MacAddress.Parse("02:00:00:00:00:07"),
        Name = "vxlan-0a000002",
        Config = PortConfig.NoPacketIn,
        State = PortState.Live,
        Curr = PortFeatures.Rate10GbFd | PortFeatures.Copper,
        Advertised = PortFeatures.Rate1GbFd,
        Supported = PortFeatures.Rate1GbFd | PortFeatures.Autoneg,
        Peer = PortFeatures.Pause,
        CurrSpeed = 10_000_000,
        MaxSpeed = 20_000_000,
    };

    private static readonly Match TunMatch = new(Oxm.Oxm.InPort(3), Oxm.Oxm.TunnelId(0x64));

    public static IEnumerable<TestCaseData> All()
    {
        yield return Case("port-status", new PortStatus { Xid = 0x11, Reason = PortReason.Modify, Desc = SamplePort }, "vxlan-0a000002");
        yield return Case("packet-in", new PacketIn
        {
            Xid = 0x12,
            BufferId = OfpConstants.NoBuffer,
            TotalLen = 64,
            Reason = PacketInReason.Action,
            TableId = 21,
            Cookie = new Cookie(0x1234),
            Match = new Match(Oxm.Oxm.InPort(3)),
            Data = Frame64(),
        }, "table_id=21");
        yield return Case("packet-out", new PacketOut
        {
            Xid = 0x13,
            InPort = 3,
            Actions = [new OutputAction(5), new OutputAction(OfpPort.Flood)],
            Data = Frame64(),
        }, "actions=output:5,FLOOD");
        yield return Case("flow-removed", new FlowRemoved
        {
            Xid = 0x14,
            Cookie = new Cookie(0xabcd),
            Priority = 99,
            Reason = FlowRemovedReason.HardTimeout,
            TableId = 20,
            DurationSec = 3,
            DurationNsec = 4,
            IdleTimeout = 5,
            HardTimeout = 6,
            PacketCount = 7,
            ByteCount = 8,
            Match = TunMatch,
        }, "reason=hard");
        yield return Case("role-request", new RoleRequest { Xid = 0x15, Role = ControllerRole.Master, GenerationId = 42 }, "role=primary");
        yield return Case("role-reply", new RoleReply { Xid = 0x16, Role = ControllerRole.Slave, GenerationId = 43 }, "role=secondary");
        yield return Case("desc-request", new MultipartRequest { Xid = 0x17, Body = new DescRequest() }, "OFPST_DESC request");
        yield return Case("desc-reply", new MultipartReply
        {
            Xid = 0x18,
            Body = new DescReply { MfrDesc = "Nicira, Inc.", HwDesc = "Open vSwitch", SwDesc = "3.1.0", SerialNum = "None", DpDesc = "br-tun" },
        }, "DP Description: br-tun");
        yield return Case("flow-request", new MultipartRequest
        {
            Xid = 0x19,
            Flags = MultipartFlags.None,
            Body = new FlowStatsRequest { TableId = 21, OutPort = 4, Cookie = new Cookie(0x0001_0000_0000_0000), CookieMask = Cookie.AppMask, Match = TunMatch },
        }, "table=21");
        yield return Case("flow-reply", new MultipartReply
        {
            Xid = 0x1a,
            Flags = MultipartFlags.More,
            Body = new FlowStatsReply
            {
                Flows =
                [
                    new FlowStats
                    {
                        TableId = 21, DurationSec = 1, DurationNsec = 2, Priority = 1, IdleTimeout = 3, HardTimeout = 4,
                        Flags = FlowModFlags.SendFlowRem, Cookie = new Cookie(5), PacketCount = 6, ByteCount = 7,
                        Match = new Match(Oxm.Oxm.VlanVid(VlanVid.Tagged(100))),
                        Instructions = [new ApplyActions(new PopVlanAction(), new OutputAction(2)), new GotoTable(22)],
                    },
                    new FlowStats { TableId = 0, Priority = 0, Cookie = new Cookie(9) },
                ],
            },
        }, "n_packets=6");
        yield return Case("aggregate-request", new MultipartRequest { Xid = 0x1b, Body = new AggregateStatsRequest { TableId = 3, Match = TunMatch } }, "OFPST_AGGREGATE request");
        yield return Case("aggregate-reply", new MultipartReply { Xid = 0x1c, Body = new AggregateStatsReply { PacketCount = 10, ByteCount = 11, FlowCount = 12 } }, "flow_count=12");
        yield return Case("port-desc-request", new MultipartRequest { Xid = 0x1d, Body = new PortDescRequest() }, "OFPST_PORT_DESC request");
        yield return Case("port-desc-reply", new MultipartReply
        {
            Xid = 0x1e,
            Body = new PortDescReply { Ports = [SamplePort, SamplePort with { PortNo = OfpPort.Local, Name = "br-tun", Config = PortConfig.PortDown, State = PortState.LinkDown }] },
        }, "LOCAL(br-tun)");
    }

    public static byte[] Frame64()
    {
        var f = new byte[64];
        for (var i = 0; i < f.Length; i++)
        {
            f[i] = (byte)(i * 7);
        }

        f[12] = 0x88;
        f[13] = 0xb5;
        return f;
    }

    private static TestCaseData Case(string name, OfpMessage m, string expect) =>
        new TestCaseData(m, expect).SetName("Built_" + name);

    internal static ImmutableArray<T> Arr<T>(params T[] items) => [.. items];
}
