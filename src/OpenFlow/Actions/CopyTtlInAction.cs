using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_COPY_TTL_IN (copy TTL inwards: outermost to next-to-outermost): type(2) len(2)=8 | pad(4).</summary>
public sealed record CopyTtlInAction : OfpAction
{
    public override ActionType Type => ActionType.CopyTtlIn;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.CopyTtlIn);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static CopyTtlInAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("COPY_TTL_IN action");
        return new CopyTtlInAction();
    }
}
