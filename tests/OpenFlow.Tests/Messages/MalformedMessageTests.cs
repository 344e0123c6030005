using System.Buffers.Binary;
using OpenFlow.Actions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Messages;

/// <summary>
/// Targeted corruptions of nested lengths and types: each fails with the OpenFlow error a switch
/// would send for it, never with another exception and never by looping.
/// </summary>
public sealed class MalformedMessageTests
{
    private static readonly GroupMod Group = new()
    {
        Xid = 1,
        GroupType = GroupType.Select,
        GroupId = 1,
        Buckets = [new Bucket { Weight = 1, Actions = [new OutputAction(1)] }],
    };

    private static readonly MultipartReply Features = new()
    {
        Xid = 2,
        Body = new TableFeaturesReply
        {
            Tables =
            [
                new TableFeatures
                {
                    TableId = 0,
                    Name = "t0",
                    Properties = [new NextTablesProperty { PropertyType = TableFeaturePropType.NextTables, TableIds = [1] }],
                },
            ],
        },
    };

    private static readonly MultipartReply Flows = new()
    {
        Xid = 3,
        Body = new FlowStatsReply { Flows = [new FlowStats { TableId = 1, Match = new Match(Oxm.InPort(1)) }] },
    };

    private static readonly MeterMod Meter = new() { Xid = 4, MeterId = 1, Bands = [new DropBand { Rate = 10 }] };

    private static readonly MultipartReply MeterStatsMsg = new()
    {
        Xid = 5,
        Body = new MeterStatsReply { Meters = [new MeterStats { MeterId = 1, BandStats = [new MeterBandStats(1, 2)] }] },
    };

    private static readonly QueueGetConfigReply Queues = new()
    {
        Xid = 6,
        Port = 1,
        Queues = [new PacketQueue { QueueId = 1, Port = 1, Properties = [new MinRateProperty { Rate = 5 }] }],
    };

    private static IEnumerable<TestCaseData> Corruptions()
    {
        // Offsets count from the start of the message (header included).
        yield return Case("zero-length bucket", Group, 16, 0, ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadBucket);
        yield return Case("bucket shorter than its header", Group, 16, 8, ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadBucket);
        yield return Case("bucket past the message", Group, 16, 65535, ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadBucket);
        yield return Case("zero-length action in a bucket", Group, 16 + 16 + 2, 0, ErrorType.BadAction, (ushort)BadActionCode.BadLen);
        yield return Case("bad group command", Group, 8, 9, ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadCommand);
        yield return Case("zero-length table features", Features, 16, 0, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);
        yield return Case("zero-length table feature property", Features, 16 + 64 + 2, 0, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);
        yield return Case("table feature property past its table", Features, 16 + 64 + 2, 4000, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);
        yield return Case("unknown table feature property", Features, 16 + 64, 9, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadType);
        yield return Case("zero-length flow stats entry", Flows, 16, 0, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
        yield return Case("flow stats entry past the message", Flows, 16, 200, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
        yield return Case("flow stats entry cutting its match", Flows, 16, 56, ErrorType.BadMatch, (ushort)BadMatchCode.BadLen);
        yield return Case("zero-length meter band", Meter, 18, 0, ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadBand);
        yield return Case("unknown meter band", Meter, 16, 7, ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadBand);
        yield return Case("bad meter command", Meter, 8, 3, ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadCommand);
        yield return Case("zero-length meter stats (length at offset 4)", MeterStatsMsg, 20, 0, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
        yield return Case("zero-length packet queue", Queues, 24, 0, ErrorType.QueueOpFailed, (ushort)QueueOpFailedCode.BadQueue);
        yield return Case("zero-length queue property", Queues, 16 + 16 + 2, 0, ErrorType.QueueOpFailed, (ushort)QueueOpFailedCode.BadQueue);
        yield return Case("unknown multipart type", Flows, 8, 0x00ff, ErrorType.BadRequest, (ushort)BadRequestCode.BadMultipart);
    }

    private static TestCaseData Case(string name, OfpMessage m, int offset, ushort value, ErrorType type, ushort code) =>
        new TestCaseData(m, offset, value, type, code).SetName("Malformed_" + name.Replace(' ', '_'));

    [TestCaseSource(nameof(Corruptions))]
    public void CorruptionFailsWithTheRightError(OfpMessage m, int offset, ushort value, ErrorType type, ushort code)
    {
        var bytes = MessageCodec.Encode(m);
        Assert.That(MessageCodec.Decode(bytes), Is.EqualTo(m), "the uncorrupted message decodes");
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), value);
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(bytes));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Type, Is.EqualTo(type), e.Message);
            Assert.That(e.Code, Is.EqualTo(code), e.Message);
        }
    }

    [Test]
    public void FixedSizeListsMustBeWholeEntries()
    {
        var bytes = MessageCodec.Encode(new MultipartReply { Body = new PortDescReply { Ports = [new Port { PortNo = 1, Name = "p1" }] } });
        var longer = new byte[bytes.Length + 8];
        bytes.CopyTo(longer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(2), (ushort)longer.Length);
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(longer));
        Assert.That(e.Type, Is.EqualTo(ErrorType.BadRequest));
    }

    [Test]
    public void FixedSizeBodiesRejectTrailingBytes()
    {
        var bytes = MessageCodec.Encode(new MultipartReply { Body = new AggregateStatsReply { FlowCount = 1 } });
        var longer = new byte[bytes.Length + 8];
        bytes.CopyTo(longer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(2), (ushort)longer.Length);
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(longer));
        Assert.That(e.Code, Is.EqualTo((ushort)BadRequestCode.BadLen));
    }

    [Test]
    public void PacketOutActionsLengthPastTheMessageIsBadLen()
    {
        var bytes = MessageCodec.Encode(new PacketOut { Actions = [new OutputAction(1)], Data = new byte[] { 1, 2, 3 } });
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), 400);
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(bytes));
        Assert.That(e.Code, Is.EqualTo((ushort)BadRequestCode.BadLen));
    }

    [Test]
    public void BundlesDoNotNest()
    {
        var inner = new BundleAdd { BundleId = 1, Message = new BarrierRequest { Xid = 9 } };
        var outer = new BundleAdd { BundleId = 2, Message = inner };
        Assert.Throws<OfpEncodeException>(() => MessageCodec.Encode(outer));

        // Build the nested bytes by hand: outer add header, then the inner add as its message.
        var innerBytes = MessageCodec.Encode(inner);
        var outerBytes = MessageCodec.Encode(new BundleAdd { BundleId = 2, Message = new BarrierRequest { Xid = 9 } });
        var nested = outerBytes.AsSpan(0, 24).ToArray().Concat(innerBytes).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(nested.AsSpan(2), (ushort)nested.Length);
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(nested));
        Assert.That(e.Code, Is.EqualTo((ushort)BadRequestCode.BadExperimenter));
    }

    [Test]
    public void UnknownMessageTypeIsBadType()
    {
        var e = Assert.Throws<OfpDecodeException>(() => MessageCodec.Decode(Convert.FromHexString("041e000800000001")));
        Assert.That(e.Code, Is.EqualTo((ushort)BadRequestCode.BadType));
    }
}
