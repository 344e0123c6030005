using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_GROUP request: group_id(4) | pad(4); OFPG_ALL for all groups.</summary>
public sealed record GroupStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Group;

    public uint GroupId { get; init; } = OfpConstants.GroupAll;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(GroupId);
        w.WriteZeros(4);
    }

    internal static GroupStatsRequest Read(ref OfpReader r)
    {
        var id = r.ReadUInt32();
        r.Skip(4);
        r.ExpectEnd("GROUP request");
        return new GroupStatsRequest { GroupId = id };
    }
}

/// <summary>Per-bucket counters (<c>struct ofp_bucket_counter</c>): packet_count(8) | byte_count(8).</summary>
public readonly record struct BucketCounter(ulong PacketCount, ulong ByteCount)
{
    public const int Size = 16;
}

/// <summary>One group's counters (<c>struct ofp_group_stats</c>).</summary>
/// <remarks>
/// <code>
/// length(2) | pad(2) | group_id(4) | ref_count(4) | pad(4) | packet_count(8) | byte_count(8)
/// | duration_sec(4) | duration_nsec(4) | ofp_bucket_counter(16) x n
/// </code>
/// </remarks>
public sealed record GroupStats
{
    public const int HeaderSize = 40;

    public uint GroupId { get; init; }

    public uint RefCount { get; init; }

    public ulong PacketCount { get; init; }

    public ulong ByteCount { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public ImmutableArray<BucketCounter> BucketStats { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteZeros(2);
        w.WriteUInt32(GroupId);
        w.WriteUInt32(RefCount);
        w.WriteZeros(4);
        w.WriteUInt64(PacketCount);
        w.WriteUInt64(ByteCount);
        w.WriteUInt32(DurationSec);
        w.WriteUInt32(DurationNsec);
        foreach (var b in BucketStats)
        {
            w.WriteUInt64(b.PacketCount);
            w.WriteUInt64(b.ByteCount);
        }

        w.PatchLength(len, start);
    }

    internal static GroupStats Read(ref OfpReader r)
    {
        r.Skip(4);
        var id = r.ReadUInt32();
        var refs = r.ReadUInt32();
        r.Skip(4);
        return new GroupStats
        {
            GroupId = id,
            RefCount = refs,
            PacketCount = r.ReadUInt64(),
            ByteCount = r.ReadUInt64(),
            DurationSec = r.ReadUInt32(),
            DurationNsec = r.ReadUInt32(),
            BucketStats = EntryList.ReadFixed(ref r, BucketCounter.Size, static (ref OfpReader b) => new BucketCounter(b.ReadUInt64(), b.ReadUInt64()), "bucket counter"),
        };
    }

    public bool Equals(GroupStats? other) =>
        other is not null && GroupId == other.GroupId && RefCount == other.RefCount && PacketCount == other.PacketCount
        && ByteCount == other.ByteCount && DurationSec == other.DurationSec && DurationNsec == other.DurationNsec
        && EntryList.Equal(BucketStats, other.BucketStats);

    public override int GetHashCode() => HashCode.Combine(GroupId, PacketCount, ByteCount, EntryList.Hash(BucketStats));
}

/// <summary>OFPMP_GROUP reply: a list of <see cref="GroupStats"/>, each in its own declared length.</summary>
public sealed record GroupStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Group;

    public ImmutableArray<GroupStats> Groups { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var g in Groups)
        {
            g.Write(ref w);
        }
    }

    internal static GroupStatsReply Read(ref OfpReader r) =>
        new() { Groups = EntryList.ReadLengthPrefixed(ref r, 0, GroupStats.HeaderSize, GroupStats.Read, "group stats") };

    public bool Equals(GroupStatsReply? other) => other is not null && EntryList.Equal(Groups, other.Groups);

    public override int GetHashCode() => EntryList.Hash(Groups);
}
