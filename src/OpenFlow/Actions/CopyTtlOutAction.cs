using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_COPY_TTL_OUT (copy TTL outwards: next-to-outermost to outermost): type(2) len(2)=8 | pad(4).</summary>
public sealed record CopyTtlOutAction : OfpAction
{
    public override ActionType Type => ActionType.CopyTtlOut;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.CopyTtlOut);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static CopyTtlOutAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("COPY_TTL_OUT action");
        return new CopyTtlOutAction();
    }
}
