using Apps.Model;

namespace Controller.Api;

/// <summary>
/// A network; mtu is what its VMs get (the underlay MTU, Plumbing:UnderlayMtu, less the tunnel's overhead);
/// dhcpServer is the virtual DHCP server's address (null: the network gets no DHCP from the controller).
/// </summary>
public sealed record NetworkResponse(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId, string? Cidr, int Mtu, string? Gateway, IReadOnlyList<string> DnsServers, string? DhcpServer);
