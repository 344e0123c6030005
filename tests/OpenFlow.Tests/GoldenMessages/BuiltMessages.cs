using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
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

    private static readonly Match TunMatch = new(Oxm.InPort(3), Oxm.TunnelId(0x64));

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
            Match = new Match(Oxm.InPort(3)),
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
        yield return Case("role-request-slave", new RoleRequest { Xid = 0x17, Role = ControllerRole.Slave, GenerationId = 0x0102030405060708 }, "role=secondary generation_id=72623859790382856");
        yield return Case("role-status", new RoleStatus { Xid = 0x18, Role = ControllerRole.Slave, Reason = RoleStatusReason.MasterRequest, GenerationId = 44 }, "ONFT_ROLE_STATUS (OF1.3) (xid=0x18): role=secondary generation_id=44 reason=primary_request");
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
                        Match = new Match(Oxm.VlanVid(VlanVid.Tagged(100))),
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
        foreach (var c in Step2())
        {
            yield return c;
        }
    }

    private static IEnumerable<TestCaseData> Step2()
    {
        var buckets = Arr(
            new Bucket { Weight = 10, WatchPort = 3, WatchGroup = 4, Actions = [new OutputAction(1)] },
            new Bucket { Weight = 20, Actions = [new PopVlanAction(), new OutputAction(2)] });
        var bands = Arr<MeterBand>(
            new DropBand { Rate = 1000, BurstSize = 100 },
            new DscpRemarkBand { Rate = 500, BurstSize = 50, PrecLevel = 1 });
        yield return Case("experimenter", new ExperimenterMessage { Xid = 0x30, Experimenter = 0x00002320, ExpType = 20, Data = new byte[] { 0, 0, 0, 0, 0, 0, 0, 10 } }, "NXT_SET_CONTROLLER_ID (OF1.3) (xid=0x30): id=10");
        yield return Case("group-mod", new GroupMod { Xid = 0x31, Command = GroupModCommand.Add, GroupType = GroupType.Select, GroupId = 7, Buckets = buckets }, "group_id=7,type=select");
        yield return Case("group-mod-ff", new GroupMod { Xid = 0x32, Command = GroupModCommand.Modify, GroupType = GroupType.FastFailover, GroupId = 8, Buckets = [new Bucket { WatchPort = 5, Actions = [new OutputAction(5)] }] }, "watch_port:5");
        yield return Case("port-mod", new PortMod { Xid = 0x33, PortNo = 1, HwAddr = MacAddress.Parse("02:00:00:00:00:01"), Config = PortConfig.PortDown, Mask = PortConfig.PortDown | PortConfig.NoPacketIn, Advertise = PortFeatures.Rate1GbFd }, "port: 1");
        yield return Case("table-mod", new TableMod { Xid = 0x34, TableId = 5, Config = 0 }, "table_id=5");
        yield return Case("meter-mod", new MeterMod { Xid = 0x35, Command = MeterModCommand.Add, Flags = MeterFlags.Kbps | MeterFlags.Burst | MeterFlags.Stats, MeterId = 9, Bands = bands }, "meter=9");
        yield return Case("meter-mod-exp", new MeterMod { Xid = 0x36, Command = MeterModCommand.Delete, Flags = MeterFlags.Pktps, MeterId = 10, Bands = [new ExperimenterBand { Rate = 3, BurstSize = 4, Experimenter = 0x00002320 }] }, "meter=10");
        yield return Case("get-async-request", new GetAsyncRequest { Xid = 0x37 }, "OFPT_GET_ASYNC_REQUEST");
        yield return Case("get-async-reply", new GetAsyncReply { Xid = 0x38, Config = new AsyncConfig(3, 1, 7, 0, 15, 2) }, "OFPT_GET_ASYNC_REPLY");
        yield return Case("set-async", new SetAsync { Xid = 0x39, Config = new AsyncConfig(1, 0, 7, 7, 15, 0) }, "OFPT_SET_ASYNC");
        yield return Case("queue-get-config-request", new QueueGetConfigRequest { Xid = 0x3a, Port = 2 }, "port=2");
        yield return Case("queue-get-config-reply", new QueueGetConfigReply
        {
            Xid = 0x3b,
            Port = 2,
            Queues =
            [
                new PacketQueue { QueueId = 1, Port = 2, Properties = [new MinRateProperty { Rate = 100 }, new MaxRateProperty { Rate = 900 }] },
                new PacketQueue { QueueId = 2, Port = 2 },
            ],
        }, "min_rate:10.0%");
        yield return Case("bundle-open", new BundleControl { Xid = 0x3c, BundleId = 1, ControlType = BundleControlType.OpenRequest, Flags = BundleFlags.Atomic | BundleFlags.Ordered }, "OPEN_REQUEST");
        yield return Case("bundle-commit-reply", new BundleControl { Xid = 0x3d, BundleId = 1, ControlType = BundleControlType.CommitReply }, "COMMIT_REPLY");
        yield return Case("bundle-add", new BundleAdd
        {
            Xid = 0x3e,
            BundleId = 1,
            Flags = BundleFlags.Atomic,
            Message = new FlowMod { Xid = 0x3e, TableId = 1, Priority = 5, Match = new Match(Oxm.InPort(1)), Instructions = [new ApplyActions(new OutputAction(2))] },
        }, "in_port=1");
        yield return Case("table-stats-request", new MultipartRequest { Xid = 0x40, Body = new TableStatsRequest() }, "OFPST_TABLE request");
        yield return Case("table-stats-reply", new MultipartReply { Xid = 0x41, Body = new TableStatsReply { Tables = [new TableStats { TableId = 0, ActiveCount = 5, LookupCount = 100, MatchedCount = 90 }, new TableStats { TableId = 1, ActiveCount = 1 }] } }, "active=5");
        yield return Case("port-stats-request", new MultipartRequest { Xid = 0x42, Body = new PortStatsRequest { PortNo = 3 } }, "port_no=3");
        yield return Case("port-stats-reply", new MultipartReply
        {
            Xid = 0x43,
            Body = new PortStatsReply
            {
                Ports =
                [
                    new PortStats
                    {
                        PortNo = 3, RxPackets = 1, TxPackets = 2, RxBytes = 3, TxBytes = 4, RxDropped = 5, TxDropped = 6, RxErrors = 7,
                        TxErrors = 8, RxFrameErr = 9, RxOverErr = 10, RxCrcErr = 11, Collisions = 12, DurationSec = 13, DurationNsec = 14,
                    },
                ],
            },
        }, "rx pkts=1");
        yield return Case("queue-stats-request", new MultipartRequest { Xid = 0x44, Body = new QueueStatsRequest { PortNo = 1, QueueId = 2 } }, "queue=2");
        yield return Case("queue-stats-reply", new MultipartReply { Xid = 0x45, Body = new QueueStatsReply { Queues = [new QueueStats { PortNo = 1, QueueId = 2, TxBytes = 3, TxPackets = 4, TxErrors = 5, DurationSec = 6, DurationNsec = 7 }] } }, "bytes=3");
        yield return Case("group-stats-request", new MultipartRequest { Xid = 0x46, Body = new GroupStatsRequest { GroupId = 7 } }, "group_id=7");
        yield return Case("group-stats-reply", new MultipartReply
        {
            Xid = 0x47,
            Body = new GroupStatsReply { Groups = [new GroupStats { GroupId = 7, RefCount = 2, PacketCount = 3, ByteCount = 4, DurationSec = 5, DurationNsec = 6, BucketStats = [new BucketCounter(1, 2), new BucketCounter(3, 4)] }] },
        }, "bucket1:packet_count=3");
        yield return Case("group-desc-request", new MultipartRequest { Xid = 0x48, Body = new GroupDescRequest() }, "OFPST_GROUP_DESC request");
        yield return Case("group-desc-reply", new MultipartReply { Xid = 0x49, Body = new GroupDescReply { Groups = [new GroupDesc { GroupType = GroupType.Select, GroupId = 7, Buckets = buckets }, new GroupDesc { GroupType = GroupType.Indirect, GroupId = 8, Buckets = [new Bucket { Actions = [new OutputAction(3)] }] }] } }, "group_id=8,type=indirect");
        yield return Case("group-features-request", new MultipartRequest { Xid = 0x4a, Body = new GroupFeaturesRequest() }, "OFPST_GROUP_FEATURES request");
        yield return Case("group-features-reply", new MultipartReply
        {
            Xid = 0x4b,
            Body = new GroupFeaturesReply
            {
                Types = 0xf, Capabilities = GroupCapabilities.SelectWeight | GroupCapabilities.Chaining,
                MaxGroupsAll = 1, MaxGroupsSelect = 2, MaxGroupsIndirect = 3, MaxGroupsFastFailover = 4,
                ActionsAll = 1, ActionsSelect = 1 << 17, ActionsIndirect = 1 << 18, ActionsFastFailover = 1 << 22,
            },
        }, "select group");
        yield return Case("meter-stats-request", new MultipartRequest { Xid = 0x4c, Body = new MeterStatsRequest { MeterId = 9 } }, "meter=9");
        yield return Case("meter-stats-reply", new MultipartReply
        {
            Xid = 0x4d,
            Body = new MeterStatsReply { Meters = [new MeterStats { MeterId = 9, FlowCount = 1, PacketInCount = 2, ByteInCount = 3, DurationSec = 4, DurationNsec = 5, BandStats = [new MeterBandStats(6, 7)] }] },
        }, "packet_in_count:2");
        yield return Case("meter-config-request", new MultipartRequest { Xid = 0x4e, Body = new MeterConfigRequest { MeterId = 9 } }, "meter=9");
        yield return Case("meter-config-reply", new MultipartReply
        {
            Xid = 0x4f,
            Body = new MeterConfigReply { Meters = [new MeterConfig { Flags = MeterFlags.Kbps | MeterFlags.Burst, MeterId = 9, Bands = bands }] },
        }, "type=dscp_remark rate=500");
        yield return Case("meter-features-request", new MultipartRequest { Xid = 0x50, Body = new MeterFeaturesRequest() }, "OFPST_METER_FEATURES request");
        yield return Case("meter-features-reply", new MultipartReply { Xid = 0x51, Body = new MeterFeaturesReply { MaxMeter = 65536, BandTypes = 6, Capabilities = MeterFlags.Kbps | MeterFlags.Pktps | MeterFlags.Burst | MeterFlags.Stats, MaxBands = 16, MaxColor = 2 } }, "max_meter:65536");
        yield return Case("table-features-request", new MultipartRequest { Xid = 0x52, Body = new TableFeaturesRequest() }, "OFPST_TABLE_FEATURES request");
        yield return Case("table-features-reply", new MultipartReply
        {
            Xid = 0x53,
            Body = new TableFeaturesReply
            {
                Tables =
                [
                    new TableFeatures
                    {
                        TableId = 2, Name = "table2", MetadataMatch = ulong.MaxValue, MetadataWrite = ulong.MaxValue, MaxEntries = 1000000,
                        Properties = AllTableProperties(),
                    },
                ],
            },
        }, "table 2 (\"table2\")");
        yield return Case("experimenter-multipart-request", new MultipartRequest { Xid = 0x54, Body = new ExperimenterMultipartRequest { Experimenter = 0x00002320, ExpType = 3 } }, "NXST_IPFIX_BRIDGE request");
        yield return Case("experimenter-multipart-reply", new MultipartReply { Xid = 0x55, Body = new ExperimenterMultipartReply { Experimenter = 0x00002320, ExpType = 3, Data = new byte[88] } }, "NXST_IPFIX_BRIDGE reply");
    }

    /// <summary>OVS insists on every property type being present (else OFPTFFC_BAD_FEATURES).</summary>
    private static ImmutableArray<TableFeatureProperty> AllTableProperties()
    {
        var inst = Arr(new FeatureId(1, default), new FeatureId(4, default));
        var acts = Arr(new FeatureId(0, default), new FeatureId(17, default), new FeatureId(25, default));
        var fields = Arr(new OxmId(0x80000004), new OxmId(0x80000c02), new OxmId(0x80004c08), new OxmId(0xffff1608, 0x4f4e4600));
        return
        [
            new InstructionIdsProperty { PropertyType = TableFeaturePropType.Instructions, Ids = inst },
            new InstructionIdsProperty { PropertyType = TableFeaturePropType.InstructionsMiss, Ids = inst },
            new NextTablesProperty { PropertyType = TableFeaturePropType.NextTables, TableIds = [3, 4, 5] },
            new NextTablesProperty { PropertyType = TableFeaturePropType.NextTablesMiss, TableIds = [3] },
            new ActionIdsProperty { PropertyType = TableFeaturePropType.WriteActions, Ids = acts },
            new ActionIdsProperty { PropertyType = TableFeaturePropType.WriteActionsMiss, Ids = acts },
            new ActionIdsProperty { PropertyType = TableFeaturePropType.ApplyActions, Ids = acts },
            new ActionIdsProperty { PropertyType = TableFeaturePropType.ApplyActionsMiss, Ids = acts },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.Match, Ids = fields },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.Wildcards, Ids = [new OxmId(0x80000c02)] },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.WriteSetfield, Ids = fields },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.WriteSetfieldMiss, Ids = fields },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.ApplySetfield, Ids = fields },
            new OxmIdsProperty { PropertyType = TableFeaturePropType.ApplySetfieldMiss, Ids = fields },
        ];
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
