namespace Controller.Metrics;

/// <summary>Section <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// How often each connected switch is asked for its port counters (OFPMP_PORT_STATS); null or zero: never.
    /// A switch whose previous poll is still unanswered is skipped (counted).
    /// </summary>
    public TimeSpan? PortStatsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Port-stats requests in flight at once over all switches; the rest wait their turn (and are skipped while they wait).</summary>
    public int PortStatsConcurrency { get; set; } = 64;

    /// <summary>Ports per switch whose counters are exported; a switch that declares more gets only its first ones (by port number).</summary>
    public int MaxPortsPerSwitch { get; set; } = 4096;

    /// <summary>The interval the poller uses: null when it is off.</summary>
    internal TimeSpan? EffectivePortStatsInterval => PortStatsInterval is { } i && i > TimeSpan.Zero ? i : null;
}
