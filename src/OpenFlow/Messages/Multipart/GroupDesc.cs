using System.Collections.Immutable;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_GROUP_DESC request: empty body.</summary>
public sealed record GroupDescRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.GroupDesc;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static GroupDescRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("GROUP_DESC request");
        return new GroupDescRequest();
    }
}

/// <summary>One group (<c>struct ofp_group_desc</c>): length(2) | type(1) | pad(1) | group_id(4) | buckets...</summary>
public sealed record GroupDesc
{
    public const int HeaderSize = 8;

    public GroupType GroupType { get; init; }

    public uint GroupId { get; init; }

    public ImmutableArray<Bucket> Buckets { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt8((byte)GroupType);
        w.WriteZeros(1);
        w.WriteUInt32(GroupId);
        Bucket.WriteList(ref w, Buckets);
        w.PatchLength(len, start);
    }

    internal static GroupDesc Read(ref OfpReader r)
    {
        r.Skip(2);
        var type = (GroupType)r.ReadUInt8();
        r.Skip(1);
        var id = r.ReadUInt32();
        return new GroupDesc { GroupType = type, GroupId = id, Buckets = Bucket.ReadList(ref r) };
    }

    public bool Equals(GroupDesc? other) =>
        other is not null && GroupType == other.GroupType && GroupId == other.GroupId && EntryList.Equal(Buckets, other.Buckets);

    public override int GetHashCode() => HashCode.Combine(GroupType, GroupId, EntryList.Hash(Buckets));
}

/// <summary>OFPMP_GROUP_DESC reply: a list of <see cref="GroupDesc"/>, each in its own declared length.</summary>
public sealed record GroupDescReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.GroupDesc;

    public ImmutableArray<GroupDesc> Groups { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var g in Groups)
        {
            g.Write(ref w);
        }
    }

    internal static GroupDescReply Read(ref OfpReader r) =>
        new() { Groups = EntryList.ReadLengthPrefixed(ref r, 0, GroupDesc.HeaderSize, GroupDesc.Read, "group desc") };

    public bool Equals(GroupDescReply? other) => other is not null && EntryList.Equal(Groups, other.Groups);

    public override int GetHashCode() => EntryList.Hash(Groups);
}
