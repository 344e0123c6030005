using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_PUSH_VLAN: type(2) len(2)=8 | ethertype(2) | pad(2).</summary>
public sealed record PushVlanAction(ushort EtherType = 0x8100) : OfpAction
{
    public override ActionType Type => ActionType.PushVlan;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PushVlan);
        w.WriteUInt16(8);
        w.WriteUInt16(EtherType);
        w.WriteZeros(2);
    }

    internal static PushVlanAction ReadBody(ref OfpReader r)
    {
        var a = new PushVlanAction(r.ReadUInt16());
        r.Skip(2);
        r.ExpectEnd("PUSH_VLAN action");
        return a;
    }
}
