using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_GROUP: type(2) len(2)=8 | group_id(4).</summary>
public sealed record GroupAction(uint GroupId) : OfpAction
{
    public override ActionType Type => ActionType.Group;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.Group);
        w.WriteUInt16(8);
        w.WriteUInt32(GroupId);
    }

    internal static GroupAction ReadBody(ref OfpReader r)
    {
        var a = new GroupAction(r.ReadUInt32());
        r.ExpectEnd("GROUP action");
        return a;
    }
}
