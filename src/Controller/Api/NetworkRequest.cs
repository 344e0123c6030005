using Apps.Model;

namespace Controller.Api;

/// <summary>
/// Body of POST /api/v1/networks. Omitted segmentId: the lowest free one; omitted tunnelType: vxlan.
/// gateway and dnsServers (at most 8) are what DHCP hands out; gateway needs a cidr and must lie inside it.
/// mtu: the MTU the network's VMs get (68..65493; omitted or 0: the most the hosts it spans allow).
/// </summary>
public sealed record NetworkRequest(string? TenantId, string? Name, TunnelType? TunnelType, long? SegmentId, string? Cidr, string? Gateway = null, IReadOnlyList<string>? DnsServers = null, int? Mtu = null);
