using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_DEC_NW_TTL: type(2) len(2)=8 | pad(4).</summary>
public sealed record DecNwTtlAction : OfpAction
{
    public override ActionType Type => ActionType.DecNwTtl;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.DecNwTtl);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static DecNwTtlAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("DEC_NW_TTL action");
        return new DecNwTtlAction();
    }
}
