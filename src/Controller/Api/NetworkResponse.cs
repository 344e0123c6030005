using Apps.Model;

namespace Controller.Api;

/// <summary>
/// A network. mtu is the effective MTU, what its VMs get (DHCP option 26, mtu_request): configuredMtu when set,
/// else maxMtu, the smallest over the hosts it spans of their underlay MTU less the tunnel's overhead for their IP
/// version; dhcpServer is the virtual DHCP server's address (null: the network gets no DHCP from the controller).
/// </summary>
public sealed record NetworkResponse(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId, string? Cidr, int Mtu, string? Gateway, IReadOnlyList<string> DnsServers, string? DhcpServer, int MaxMtu, int? ConfiguredMtu);
