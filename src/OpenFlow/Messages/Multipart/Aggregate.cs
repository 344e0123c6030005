using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_AGGREGATE request: same body as <see cref="FlowStatsRequest"/>.</summary>
public sealed record AggregateStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Aggregate;

    public byte TableId { get; init; } = OfpConstants.AllTables;

    public uint OutPort { get; init; } = OfpPort.Any;

    public uint OutGroup { get; init; } = OfpConstants.GroupAny;

    public Cookie Cookie { get; init; }

    public ulong CookieMask { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public override void Write(ref OfpWriter w) =>
        FlowStatsRequest.WriteFilter(ref w, TableId, OutPort, OutGroup, Cookie, CookieMask, Match);

    internal static AggregateStatsRequest Read(ref OfpReader r)
    {
        var f = FlowStatsRequest.Read(ref r);
        return new AggregateStatsRequest
        {
            TableId = f.TableId,
            OutPort = f.OutPort,
            OutGroup = f.OutGroup,
            Cookie = f.Cookie,
            CookieMask = f.CookieMask,
            Match = f.Match,
        };
    }
}

/// <summary>OFPMP_AGGREGATE reply: packet_count(8) | byte_count(8) | flow_count(4) | pad(4).</summary>
public sealed record AggregateStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Aggregate;

    public ulong PacketCount { get; init; }

    public ulong ByteCount { get; init; }

    public uint FlowCount { get; init; }

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt64(PacketCount);
        w.WriteUInt64(ByteCount);
        w.WriteUInt32(FlowCount);
        w.WriteZeros(4);
    }

    internal static AggregateStatsReply Read(ref OfpReader r)
    {
        var a = new AggregateStatsReply { PacketCount = r.ReadUInt64(), ByteCount = r.ReadUInt64(), FlowCount = r.ReadUInt32() };
        r.Skip(4);
        r.ExpectEnd("AGGREGATE reply");
        return a;
    }
}
