namespace OpenFlow.Nicira;

/// <summary>Flags of NXAST_LEARN (<c>NX_LEARN_F_*</c>).</summary>
[Flags]
public enum NxLearnFlags : ushort
{
    None = 0,

    /// <summary>The learned flow gets OFPFF_SEND_FLOW_REM.</summary>
    SendFlowRem = 1 << 0,

    /// <summary>Delete the learned flows when the learning flow is removed.</summary>
    DeleteLearned = 1 << 1,

    /// <summary>Write the result (learn2 only; kept for round-trips).</summary>
    WriteResult = 1 << 2,
}
