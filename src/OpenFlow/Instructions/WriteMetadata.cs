using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>OFPIT_WRITE_METADATA: type(2) len(2)=24 | pad(4) | metadata(8) | metadata_mask(8).</summary>
public sealed record WriteMetadata(ulong Metadata, ulong Mask) : OfpInstruction
{
    public override InstructionType Type => InstructionType.WriteMetadata;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)Type);
        w.WriteUInt16(24);
        w.WriteZeros(4);
        w.WriteUInt64(Metadata);
        w.WriteUInt64(Mask);
    }

    internal static WriteMetadata ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        var i = new WriteMetadata(r.ReadUInt64(), r.ReadUInt64());
        r.ExpectEnd("WRITE_METADATA");
        return i;
    }
}
