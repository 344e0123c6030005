namespace Apps.Trace;

/// <summary>Where an output of one hop leads.</summary>
public enum HopOutputKind
{
    /// <summary>Into a tunnel toward another host, whose br-tun is the next hop.</summary>
    Tunnel,

    /// <summary>Into patch-int: delivered to this host's br-int (and its VMs of that VLAN).</summary>
    Delivered,

    /// <summary>To the controller (a PACKET_IN, e.g. DHCP).</summary>
    Controller,

    /// <summary>Into a tunnel whose remote host is unknown or whose switch is not connected: the trace stops there.</summary>
    TunnelUnresolved,

    /// <summary>Any other port.</summary>
    Other,

    /// <summary>Would continue into a tunnel, but the hop limit was reached.</summary>
    HopLimit,
}
