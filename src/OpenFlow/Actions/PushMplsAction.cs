using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_PUSH_MPLS (ethertype 0x8847 unicast or 0x8848 multicast): type(2) len(2)=8 | ethertype(2) | pad(2).</summary>
public sealed record PushMplsAction(ushort EtherType = 0x8847) : OfpAction
{
    public override ActionType Type => ActionType.PushMpls;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PushMpls);
        w.WriteUInt16(8);
        w.WriteUInt16(EtherType);
        w.WriteZeros(2);
    }

    internal static PushMplsAction ReadBody(ref OfpReader r)
    {
        var a = new PushMplsAction(r.ReadUInt16());
        r.Skip(2);
        r.ExpectEnd("PUSH_MPLS action");
        return a;
    }
}
