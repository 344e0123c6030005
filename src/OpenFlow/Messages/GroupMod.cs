using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary><c>enum ofp_group_mod_command</c>.</summary>
public enum GroupModCommand : ushort
{
    Add = 0,
    Modify = 1,
    Delete = 2,
}

/// <summary><c>enum ofp_group_type</c>.</summary>
public enum GroupType : byte
{
    All = 0,
    Select = 1,
    Indirect = 2,
    FastFailover = 3,
}

/// <summary>OFPT_GROUP_MOD (<c>struct ofp_group_mod</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | command(2) | type(1) | pad(1) | group_id(4) | buckets...
/// </code>
/// </remarks>
public sealed record GroupMod : OfpMessage
{
    public override OfpType Type => OfpType.GroupMod;

    public GroupModCommand Command { get; init; }

    public GroupType GroupType { get; init; }

    public uint GroupId { get; init; }

    public ImmutableArray<Bucket> Buckets { get; init; } = [];

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Command);
        writer.WriteUInt8((byte)GroupType);
        writer.WriteZeros(1);
        writer.WriteUInt32(GroupId);
        Bucket.WriteList(ref writer, Buckets);
    }

    public static GroupMod Read(ref OfpReader r, in OfpHeader h)
    {
        var at = r.Offset;
        var command = r.ReadUInt16();
        if (command > (ushort)GroupModCommand.Delete)
        {
            throw new OfpDecodeException(ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadCommand, at, $"unknown group_mod command {command}");
        }

        var type = (GroupType)r.ReadUInt8();
        r.Skip(1);
        var id = r.ReadUInt32();
        return new GroupMod { Xid = h.Xid, Command = (GroupModCommand)command, GroupType = type, GroupId = id, Buckets = Bucket.ReadList(ref r) };
    }

    public bool Equals(GroupMod? other) =>
        other is not null && Xid == other.Xid && Command == other.Command && GroupType == other.GroupType
        && GroupId == other.GroupId && EntryList.Equal(Buckets, other.Buckets);

    public override int GetHashCode() => HashCode.Combine(Xid, Command, GroupType, GroupId, EntryList.Hash(Buckets));
}
