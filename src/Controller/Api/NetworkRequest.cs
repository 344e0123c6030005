using Apps.Model;

namespace Controller.Api;

/// <summary>
/// Body of POST /api/v1/networks. Omitted segmentId: the lowest free one; omitted tunnelType: vxlan.
/// gateway and dnsServers (at most 8) are what DHCP hands out; gateway needs a cidr and must lie inside it.
/// </summary>
public sealed record NetworkRequest(string? TenantId, string? Name, TunnelType? TunnelType, long? SegmentId, string? Cidr, string? Gateway = null, IReadOnlyList<string>? DnsServers = null);
