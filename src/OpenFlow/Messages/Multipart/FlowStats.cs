using System.Collections.Immutable;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_FLOW request (<c>struct ofp_flow_stats_request</c>).</summary>
/// <remarks>
/// <code>
/// table_id(1) | pad(3) | out_port(4) | out_group(4) | pad(4) | cookie(8) | cookie_mask(8) | ofp_match
/// </code>
/// </remarks>
public sealed record FlowStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Flow;

    public byte TableId { get; init; } = OfpConstants.AllTables;

    public uint OutPort { get; init; } = OfpPort.Any;

    public uint OutGroup { get; init; } = OfpConstants.GroupAny;

    public Cookie Cookie { get; init; }

    public ulong CookieMask { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public override void Write(ref OfpWriter w) => WriteFilter(ref w, TableId, OutPort, OutGroup, Cookie, CookieMask, Match);

    internal static void WriteFilter(ref OfpWriter w, byte table, uint outPort, uint outGroup, Cookie cookie, ulong cookieMask, Match match)
    {
        w.WriteUInt8(table);
        w.WriteZeros(3);
        w.WriteUInt32(outPort);
        w.WriteUInt32(outGroup);
        w.WriteZeros(4);
        w.WriteUInt64(cookie.Value);
        w.WriteUInt64(cookieMask);
        match.Write(ref w);
    }

    internal static FlowStatsRequest Read(ref OfpReader r)
    {
        var table = r.ReadUInt8();
        r.Skip(3);
        var outPort = r.ReadUInt32();
        var outGroup = r.ReadUInt32();
        r.Skip(4);
        var f = new FlowStatsRequest
        {
            TableId = table,
            OutPort = outPort,
            OutGroup = outGroup,
            Cookie = new Cookie(r.ReadUInt64()),
            CookieMask = r.ReadUInt64(),
            Match = Match.Read(ref r),
        };
        r.ExpectEnd("FLOW request");
        return f;
    }
}

/// <summary>One flow entry of an OFPMP_FLOW reply (<c>struct ofp_flow_stats</c>).</summary>
/// <remarks>
/// <code>
/// length(2) | table_id(1) | pad(1) | duration_sec(4) | duration_nsec(4) | priority(2) | idle_timeout(2)
/// | hard_timeout(2) | flags(2) | pad(4) | cookie(8) | packet_count(8) | byte_count(8)   = 48 bytes
/// | ofp_match (padded to 8) | instructions...
/// </code>
/// </remarks>
public sealed record FlowStats
{
    public byte TableId { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public ushort Priority { get; init; }

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public FlowModFlags Flags { get; init; }

    public Cookie Cookie { get; init; }

    public ulong PacketCount { get; init; }

    public ulong ByteCount { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public ImmutableArray<OfpInstruction> Instructions { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt8(TableId);
        w.WriteZeros(1);
        w.WriteUInt32(DurationSec);
        w.WriteUInt32(DurationNsec);
        w.WriteUInt16(Priority);
        w.WriteUInt16(IdleTimeout);
        w.WriteUInt16(HardTimeout);
        w.WriteUInt16((ushort)Flags);
        w.WriteZeros(4);
        w.WriteUInt64(Cookie.Value);
        w.WriteUInt64(PacketCount);
        w.WriteUInt64(ByteCount);
        Match.Write(ref w);
        OfpInstruction.WriteList(ref w, Instructions);
        w.PatchLength(len, start);
    }

    internal static FlowStats Read(ref OfpReader r)
    {
        r.Skip(2);
        var table = r.ReadUInt8();
        r.Skip(1);
        var sec = r.ReadUInt32();
        var nsec = r.ReadUInt32();
        var prio = r.ReadUInt16();
        var idle = r.ReadUInt16();
        var hard = r.ReadUInt16();
        var flags = (FlowModFlags)r.ReadUInt16();
        r.Skip(4);
        return new FlowStats
        {
            TableId = table,
            DurationSec = sec,
            DurationNsec = nsec,
            Priority = prio,
            IdleTimeout = idle,
            HardTimeout = hard,
            Flags = flags,
            Cookie = new Cookie(r.ReadUInt64()),
            PacketCount = r.ReadUInt64(),
            ByteCount = r.ReadUInt64(),
            Match = Match.Read(ref r),
            Instructions = OfpInstruction.ReadList(ref r),
        };
    }

    public bool Equals(FlowStats? other) =>
        other is not null && TableId == other.TableId && DurationSec == other.DurationSec
        && DurationNsec == other.DurationNsec && Priority == other.Priority && IdleTimeout == other.IdleTimeout
        && HardTimeout == other.HardTimeout && Flags == other.Flags && Cookie == other.Cookie
        && PacketCount == other.PacketCount && ByteCount == other.ByteCount && Match.Equals(other.Match)
        && EntryList.Equal(Instructions, other.Instructions);

    public override int GetHashCode() => HashCode.Combine(TableId, Priority, Cookie, Match, PacketCount);
}

/// <summary>OFPMP_FLOW reply: a list of <see cref="FlowStats"/>, each in its own declared length.</summary>
public sealed record FlowStatsReply : MultipartReplyBody
{
    public const int EntryMinimum = 56;

    public override MultipartType MultipartType => MultipartType.Flow;

    public ImmutableArray<FlowStats> Flows { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var f in Flows)
        {
            f.Write(ref w);
        }
    }

    internal static FlowStatsReply Read(ref OfpReader r) =>
        new() { Flows = EntryList.ReadLengthPrefixed(ref r, 0, EntryMinimum, FlowStats.Read, "flow stats") };

    public bool Equals(FlowStatsReply? other) => other is not null && EntryList.Equal(Flows, other.Flows);

    public override int GetHashCode() => EntryList.Hash(Flows);
}
