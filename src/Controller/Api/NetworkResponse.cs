using Apps.Model;

namespace Controller.Api;

/// <summary>A network; mtu is what its VMs get: the underlay MTU (Plumbing:UnderlayMtu) less the tunnel's overhead.</summary>
public sealed record NetworkResponse(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId, string? Cidr, int Mtu);
