using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>OFPIT_METER: type(2) len(2)=8 | meter_id(4).</summary>
public sealed record MeterInstruction(uint MeterId) : OfpInstruction
{
    public override InstructionType Type => InstructionType.Meter;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)Type);
        w.WriteUInt16(8);
        w.WriteUInt32(MeterId);
    }

    internal static MeterInstruction ReadBody(ref OfpReader r)
    {
        var i = new MeterInstruction(r.ReadUInt32());
        r.ExpectEnd("METER");
        return i;
    }
}
