using Apps.Model;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreateNetwork"/> needs. A null segment id means "allocate the lowest free one".</summary>
/// <param name="Cidr">Optional IPv4 prefix, e.g. 10.0.0.0/24; when set, port addresses must lie inside it.</param>
public sealed record NewNetwork(string TenantId, string Name, TunnelType TunnelType, uint? SegmentId = null, string? Cidr = null);
