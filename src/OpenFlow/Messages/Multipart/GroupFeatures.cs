using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_GROUP_FEATURES request: empty body.</summary>
public sealed record GroupFeaturesRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.GroupFeatures;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static GroupFeaturesRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("GROUP_FEATURES request");
        return new GroupFeaturesRequest();
    }
}

/// <summary><c>enum ofp_group_capabilities</c>.</summary>
[Flags]
public enum GroupCapabilities : uint
{
    None = 0,
    SelectWeight = 1 << 0,
    SelectLiveness = 1 << 1,
    Chaining = 1 << 2,
    ChainingChecks = 1 << 3,
}

/// <summary>OFPMP_GROUP_FEATURES reply (<c>struct ofp_group_features</c>).</summary>
/// <remarks>
/// <code>
/// types(4, bit n = group type n) | capabilities(4) | max_groups(4 x 4) | actions(4 x 4, bit n = action type n)
/// </code>
/// The arrays are indexed by <see cref="GroupType"/> (all, select, indirect, fast failover).
/// </remarks>
public sealed record GroupFeaturesReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.GroupFeatures;

    public uint Types { get; init; }

    public GroupCapabilities Capabilities { get; init; }

    public uint MaxGroupsAll { get; init; }

    public uint MaxGroupsSelect { get; init; }

    public uint MaxGroupsIndirect { get; init; }

    public uint MaxGroupsFastFailover { get; init; }

    public uint ActionsAll { get; init; }

    public uint ActionsSelect { get; init; }

    public uint ActionsIndirect { get; init; }

    public uint ActionsFastFailover { get; init; }

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Types);
        w.WriteUInt32((uint)Capabilities);
        w.WriteUInt32(MaxGroupsAll);
        w.WriteUInt32(MaxGroupsSelect);
        w.WriteUInt32(MaxGroupsIndirect);
        w.WriteUInt32(MaxGroupsFastFailover);
        w.WriteUInt32(ActionsAll);
        w.WriteUInt32(ActionsSelect);
        w.WriteUInt32(ActionsIndirect);
        w.WriteUInt32(ActionsFastFailover);
    }

    internal static GroupFeaturesReply Read(ref OfpReader r)
    {
        var g = new GroupFeaturesReply
        {
            Types = r.ReadUInt32(),
            Capabilities = (GroupCapabilities)r.ReadUInt32(),
            MaxGroupsAll = r.ReadUInt32(),
            MaxGroupsSelect = r.ReadUInt32(),
            MaxGroupsIndirect = r.ReadUInt32(),
            MaxGroupsFastFailover = r.ReadUInt32(),
            ActionsAll = r.ReadUInt32(),
            ActionsSelect = r.ReadUInt32(),
            ActionsIndirect = r.ReadUInt32(),
            ActionsFastFailover = r.ReadUInt32(),
        };
        r.ExpectEnd("GROUP_FEATURES reply");
        return g;
    }
}
