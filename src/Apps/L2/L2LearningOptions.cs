namespace Apps.L2;

/// <summary>Options of <see cref="L2LearningSwitch"/>. The defaults match Ryu's simple_switch_13.</summary>
public sealed record L2LearningOptions
{
    /// <summary>idle_timeout of the reactive unicast flows, seconds; 0 = never (as simple_switch_13).</summary>
    public ushort FlowIdleTimeout { get; init; }

    /// <summary>hard_timeout of the reactive unicast flows, seconds; 0 = never.</summary>
    public ushort FlowHardTimeout { get; init; }

    /// <summary>Forget a MAC not seen for this long; null = never (as simple_switch_13).</summary>
    public TimeSpan? MacAgeing { get; init; }
}
