using Apps.Model;

namespace Controller.Hosts;

/// <summary>The pure plumbing computation, seen from the OVSDB side.</summary>
internal interface IDesiredHostSource
{
    /// <summary>The bridge whose datapath id is the host's (br-tun).</summary>
    string TunnelBridge { get; }

    DesiredHost Compute(NetworkSnapshot state, HostInfo host, HostObservation observed, string controllerTarget, string? datapathType);
}
