namespace Apps.BrTun;

/// <summary>When to use Neutron-style l2population (flood only where the network is, proactive unicast).</summary>
public enum L2PopulationMode
{
    /// <summary>On when every tunnel port on the switch leads to a known host; otherwise off.</summary>
    Auto,
    On,
    Off,
}

/// <summary>Options of <see cref="BrTunPipeline"/>.</summary>
public sealed record BrTunOptions
{
    /// <summary>The br-tun side of the patch pair to br-int.</summary>
    public string PatchIntPortName { get; init; } = "patch-int";

    public L2PopulationMode L2Population { get; init; } = L2PopulationMode.Auto;

    /// <summary>hard_timeout of the entries the learn action writes into table 20, in seconds.</summary>
    public ushort LearnHardTimeout { get; init; } = 300;
}
