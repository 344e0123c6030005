using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_SET_NW_TTL (IPv4 TTL / IPv6 hop limit): type(2) len(2)=8 | ttl(1) | pad(3).</summary>
public sealed record SetNwTtlAction(byte Ttl) : OfpAction
{
    public override ActionType Type => ActionType.SetNwTtl;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.SetNwTtl);
        w.WriteUInt16(8);
        w.WriteUInt8(Ttl);
        w.WriteZeros(3);
    }

    internal static SetNwTtlAction ReadBody(ref OfpReader r)
    {
        var a = new SetNwTtlAction(r.ReadUInt8());
        r.Skip(3);
        r.ExpectEnd("SET_NW_TTL action");
        return a;
    }
}
