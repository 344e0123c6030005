namespace Apps.Overlay;

/// <summary>When to use Neutron-style l2population (flood only where the network is, proactive unicast).</summary>
public enum L2PopulationMode
{
    /// <summary>On when every tunnel port on the switch leads to a known host; otherwise off.</summary>
    Auto,
    On,
    Off,
}
