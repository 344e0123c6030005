using System.Collections.Immutable;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_TABLE request: empty body.</summary>
public sealed record TableStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Table;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static TableStatsRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("TABLE request");
        return new TableStatsRequest();
    }
}

/// <summary>One table's counters (<c>struct ofp_table_stats</c>): table_id(1) | pad(3) | active_count(4) | lookup_count(8) | matched_count(8).</summary>
public sealed record TableStats
{
    public const int Size = 24;

    public byte TableId { get; init; }

    public uint ActiveCount { get; init; }

    public ulong LookupCount { get; init; }

    public ulong MatchedCount { get; init; }

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt8(TableId);
        w.WriteZeros(3);
        w.WriteUInt32(ActiveCount);
        w.WriteUInt64(LookupCount);
        w.WriteUInt64(MatchedCount);
    }

    internal static TableStats Read(ref OfpReader r)
    {
        var table = r.ReadUInt8();
        r.Skip(3);
        return new TableStats { TableId = table, ActiveCount = r.ReadUInt32(), LookupCount = r.ReadUInt64(), MatchedCount = r.ReadUInt64() };
    }
}

/// <summary>OFPMP_TABLE reply: an array of 24-byte <see cref="TableStats"/>.</summary>
public sealed record TableStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Table;

    public ImmutableArray<TableStats> Tables { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var t in Tables)
        {
            t.Write(ref w);
        }
    }

    internal static TableStatsReply Read(ref OfpReader r) =>
        new() { Tables = EntryList.ReadFixed(ref r, TableStats.Size, TableStats.Read, "table stats") };

    public bool Equals(TableStatsReply? other) => other is not null && EntryList.Equal(Tables, other.Tables);

    public override int GetHashCode() => EntryList.Hash(Tables);
}
