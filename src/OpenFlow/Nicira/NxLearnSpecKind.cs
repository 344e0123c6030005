namespace OpenFlow.Nicira;

/// <summary>What a learn flow spec does in the learned flow (<c>NX_LEARN_DST_*</c>, bits 11..12 of its header).</summary>
public enum NxLearnSpecKind : byte
{
    /// <summary>Adds a match on the destination field.</summary>
    Match = 0,

    /// <summary>Adds a load (reg_load / move) action into the destination field.</summary>
    Load = 1,

    /// <summary>Adds an output action to the port held in the source field.</summary>
    Output = 2,
}
