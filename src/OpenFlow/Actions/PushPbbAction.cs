using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_PUSH_PBB: type(2) len(2)=8 | ethertype(2) | pad(2).</summary>
public sealed record PushPbbAction(ushort EtherType = 0x88e7) : OfpAction
{
    public override ActionType Type => ActionType.PushPbb;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PushPbb);
        w.WriteUInt16(8);
        w.WriteUInt16(EtherType);
        w.WriteZeros(2);
    }

    internal static PushPbbAction ReadBody(ref OfpReader r)
    {
        var a = new PushPbbAction(r.ReadUInt16());
        r.Skip(2);
        r.ExpectEnd("PUSH_PBB action");
        return a;
    }
}
