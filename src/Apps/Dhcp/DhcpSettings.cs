using OpenFlow;

namespace Apps.Dhcp;

/// <summary>Settings of <see cref="DhcpResponder"/>.</summary>
public sealed record DhcpSettings
{
    /// <summary>Lease time given to clients (option 51); renewal (T1) at half of it, rebinding (T2) at 7/8.</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The MAC the virtual DHCP server answers from (and that the ARP responder gives for the server's
    /// address, so that unicast renewals reach br-tun). Locally administered; the same in every network,
    /// which VLANs and segments keep apart.
    /// </summary>
    public MacAddress ServerMac { get; init; } = MacAddress.Parse("02:0f:c0:d4:c9:00");
}
