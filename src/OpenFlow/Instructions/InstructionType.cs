namespace OpenFlow.Instructions;

/// <summary>OpenFlow 1.3 instruction types (<c>enum ofp_instruction_type</c>).</summary>
public enum InstructionType : ushort
{
    GotoTable = 1,
    WriteMetadata = 2,
    WriteActions = 3,
    ApplyActions = 4,
    ClearActions = 5,
    Meter = 6,
    Experimenter = 0xffff,
}
