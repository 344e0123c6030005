using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>OFPIT_EXPERIMENTER: type(2) len(2) | experimenter(4) | data (kept verbatim).</summary>
public sealed record ExperimenterInstruction(uint Experimenter, Octets Data) : OfpInstruction
{
    public override InstructionType Type => InstructionType.Experimenter;

    public override void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)Type);
        var len = w.ReserveUInt16();
        w.WriteUInt32(Experimenter);
        w.WriteBytes(Data.Span);
        w.PatchLength(len, start);
    }

    internal static ExperimenterInstruction ReadBody(ref OfpReader r) =>
        new(r.ReadUInt32(), Octets.CopyOf(r.ReadBytes(r.Remaining)));
}
