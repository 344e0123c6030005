namespace Controller.Store;

/// <summary>LiteDB shape of a tunnel-port declaration (collection <c>tunnelports</c>).</summary>
internal sealed class TunnelPortDocument
{
    public string Id { get; set; } = "";

    /// <summary>The host whose br-tun holds the port.</summary>
    public string HostId { get; set; } = "";

    /// <summary>The OVS interface name, as it appears in the switch's port list.</summary>
    public string PortName { get; set; } = "";

    /// <summary>The host the tunnel leads to.</summary>
    public string RemoteHostId { get; set; } = "";

    public string TunnelType { get; set; } = "";

    /// <summary>"host/portName": a unique index on it keeps port names unique per host.</summary>
    public string HostAndPortName { get; set; } = "";

    public static string KeyOf(string hostId, string portName) => hostId + "/" + portName;
}
