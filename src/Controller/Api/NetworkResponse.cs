using Apps.Model;

namespace Controller.Api;

/// <summary>A network; dhcpServer is the virtual DHCP server's address (null: the network has no DHCP from the controller).</summary>
public sealed record NetworkResponse(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId, string? Cidr, string? Gateway, IReadOnlyList<string> DnsServers, string? DhcpServer);
