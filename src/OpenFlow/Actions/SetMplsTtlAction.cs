using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_SET_MPLS_TTL: type(2) len(2)=8 | ttl(1) | pad(3).</summary>
public sealed record SetMplsTtlAction(byte Ttl) : OfpAction
{
    public override ActionType Type => ActionType.SetMplsTtl;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.SetMplsTtl);
        w.WriteUInt16(8);
        w.WriteUInt8(Ttl);
        w.WriteZeros(3);
    }

    internal static SetMplsTtlAction ReadBody(ref OfpReader r)
    {
        var a = new SetMplsTtlAction(r.ReadUInt8());
        r.Skip(3);
        r.ExpectEnd("SET_MPLS_TTL action");
        return a;
    }
}
