using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_POP_VLAN: type(2) len(2)=8 | pad(4).</summary>
public sealed record PopVlanAction : OfpAction
{
    public override ActionType Type => ActionType.PopVlan;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.PopVlan);
        w.WriteUInt16(8);
        w.WriteZeros(4);
    }

    internal static PopVlanAction ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("POP_VLAN action");
        return new PopVlanAction();
    }
}
