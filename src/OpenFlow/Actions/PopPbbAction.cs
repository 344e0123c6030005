using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_POP_PBB: type(2) len(2)=8 | pad(4).</summary>
public sealed record PopPbbAction : OfpAction
{
    public override ActionType Type => ActionType.PopPbb;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PopPbb);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static PopPbbAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("POP_PBB action");
        return new PopPbbAction();
    }
}
