using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_DEC_MPLS_TTL: type(2) len(2)=8 | pad(4).</summary>
public sealed record DecMplsTtlAction : OfpAction
{
    public override ActionType Type => ActionType.DecMplsTtl;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.DecMplsTtl);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static DecMplsTtlAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("DEC_MPLS_TTL action");
        return new DecMplsTtlAction();
    }
}
