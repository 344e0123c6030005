using Apps.Model;

namespace Controller.Api;

public sealed record NetworkResponse(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId, string? Cidr);
