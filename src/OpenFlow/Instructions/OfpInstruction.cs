using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>
/// Base of the six instructions (<c>struct ofp_instruction</c>: type(2) | len(2) | body).
/// </summary>
public abstract record OfpInstruction
{
    public abstract InstructionType Type { get; }

    public abstract void Write(ref OfpWriter w);

    public static OfpInstruction Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = (InstructionType)r.PeekUInt16();
        var len = r.PeekTlvLength(2, 8, ErrorType.BadInstruction, (ushort)BadInstructionCode.BadLen);
        if (len % 8 != 0)
        {
            throw OfpDecodeException.BadInstruction(BadInstructionCode.BadLen, at, $"instruction length {len} is not a multiple of 8");
        }

        var s = r.Slice(len);
        s.Skip(4);
        OfpInstruction i = type switch
        {
            InstructionType.GotoTable => GotoTable.ReadBody(ref s),
            InstructionType.WriteMetadata => WriteMetadata.ReadBody(ref s),
            InstructionType.WriteActions => WriteActions.ReadBody(ref s),
            InstructionType.ApplyActions => ApplyActions.ReadBody(ref s),
            InstructionType.ClearActions => ClearActions.ReadBody(ref s),
            InstructionType.Meter => MeterInstruction.ReadBody(ref s),
            InstructionType.Experimenter => ExperimenterInstruction.ReadBody(ref s),
            _ => throw OfpDecodeException.BadInstruction(BadInstructionCode.UnknownInst, at, $"unknown instruction type {(ushort)type}"),
        };
        return i;
    }

    public static ImmutableArray<OfpInstruction> ReadList(ref OfpReader r)
    {
        var list = ImmutableArray.CreateBuilder<OfpInstruction>();
        while (!r.IsEmpty)
        {
            list.Add(Read(ref r));
        }

        return list.ToImmutable();
    }

    public static void WriteList(ref OfpWriter w, ImmutableArray<OfpInstruction> instructions)
    {
        foreach (var i in instructions)
        {
            i.Write(ref w);
        }
    }
}
