using Apps.Model;

namespace Controller.Api;

/// <summary>Body of POST /api/v1/networks. Omitted segmentId: the lowest free one; omitted tunnelType: vxlan.</summary>
public sealed record NetworkRequest(string? TenantId, string? Name, TunnelType? TunnelType, long? SegmentId, string? Cidr);
