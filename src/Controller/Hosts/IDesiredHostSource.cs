using Apps.Model;

namespace Controller.Hosts;

/// <summary>The pure plumbing computation, seen from the OVSDB side.</summary>
internal interface IDesiredHostSource
{
    /// <summary>The bridge whose datapath id is the host's (br-tun).</summary>
    string TunnelBridge { get; }

    /// <param name="defaultControllerTarget">The target to use when none is configured.</param>
    /// <param name="observedDatapathType">What the host's existing bridges use, when no type is configured.</param>
    DesiredHost Compute(NetworkSnapshot state, HostInfo host, HostObservation observed, string defaultControllerTarget, string? observedDatapathType);
}
