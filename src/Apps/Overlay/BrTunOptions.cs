namespace Apps.Overlay;

/// <summary>Options of <see cref="BrTunPipeline"/>.</summary>
public sealed record BrTunOptions
{
    /// <summary>The br-tun side of the patch pair to br-int.</summary>
    public string PatchIntPortName { get; init; } = "patch-int";

    public L2PopulationMode L2Population { get; init; } = L2PopulationMode.Auto;

    /// <summary>hard_timeout of the entries the learn action writes into table 20, in seconds.</summary>
    public ushort LearnHardTimeout { get; init; } = 300;

    /// <summary>
    /// Answer ARP requests for the IPs of the store's ports in br-tun (table 19) instead of flooding
    /// them to every tunnel. Requests for unknown IPs still flood.
    /// </summary>
    public bool ArpResponder { get; init; } = true;

    /// <summary>
    /// Answer multicast Neighbour Solicitations for the store's ports' IPv6 addresses in br-tun (tables 17
    /// and 18) instead of flooding them. Solicitations for unknown targets, DAD probes and unicast ones are left as before.
    /// </summary>
    public bool NdResponder { get; init; } = true;

    /// <summary>
    /// Send DHCP client messages (UDP 68 -> 67) of networks that have a prefix to the controller, which
    /// answers them (<see cref="Apps.Dhcp.DhcpResponder"/>), and answer ARP for the virtual server's
    /// address. Networks without a prefix keep flooding DHCP, so a tenant's own server still works.
    /// </summary>
    public bool Dhcp { get; init; } = true;

    /// <summary>The virtual DHCP server's MAC (the ARP responder's answer for its address).</summary>
    public OpenFlow.MacAddress DhcpServerMac { get; init; } = new Apps.Dhcp.DhcpSettings().ServerMac;
}
