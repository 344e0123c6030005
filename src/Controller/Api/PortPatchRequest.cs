namespace Controller.Api;

/// <summary>Body of PATCH /api/v1/ports/{id}.</summary>
public sealed record PortPatchRequest(string? Name, string? Ip, string? Ipv6 = null);
