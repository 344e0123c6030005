namespace Controller.Api;

/// <summary>
/// Body of PATCH /api/v1/networks/{id}: the name and the configured mtu can change (0 clears it); segment,
/// tunnel type, cidr and DHCP fields are fixed.
/// </summary>
public sealed record NetworkPatchRequest(string? Name, int? Mtu = null);
