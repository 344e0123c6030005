namespace Apps.Trace;

/// <summary>How a trace through one switch ended.</summary>
public enum TraceVerdict
{
    /// <summary>At least one output.</summary>
    Output,

    /// <summary>A table miss (OpenFlow 1.3's default: drop).</summary>
    TableMiss,

    /// <summary>A flow matched whose instructions end without any output (an explicit drop).</summary>
    Dropped,

    /// <summary>The flows use something the engine does not model; <see cref="SwitchTrace.Error"/> says what.</summary>
    Unsupported,
}
