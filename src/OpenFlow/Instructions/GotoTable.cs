using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>OFPIT_GOTO_TABLE: type(2) len(2)=8 | table_id(1) | pad(3).</summary>
public sealed record GotoTable(byte TableId) : OfpInstruction
{
    public override InstructionType Type => InstructionType.GotoTable;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)Type);
        w.WriteUInt16(8);
        w.WriteUInt8(TableId);
        w.WriteZeros(3);
    }

    internal static GotoTable ReadBody(ref OfpReader r)
    {
        var i = new GotoTable(r.ReadUInt8());
        r.Skip(3);
        r.ExpectEnd("GOTO_TABLE");
        return i;
    }
}
