using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_POP_MPLS (ethertype of the payload after the last label): type(2) len(2)=8 | ethertype(2) | pad(2).</summary>
public sealed record PopMplsAction(ushort EtherType) : OfpAction
{
    public override ActionType Type => ActionType.PopMpls;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PopMpls);
        w.WriteUInt16(8);
        w.WriteUInt16(EtherType);
        w.WriteZeros(2);
    }

    internal static PopMplsAction ReadBody(ref OfpReader r)
    {
        var a = new PopMplsAction(r.ReadUInt16());
        r.Skip(2);
        r.ExpectEnd("POP_MPLS action");
        return a;
    }
}
