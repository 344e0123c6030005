namespace Controller.Api;

/// <summary>Body of PATCH /api/v1/networks/{id}: only the name can change (segment and tunnel type are fixed).</summary>
public sealed record NetworkPatchRequest(string? Name);
