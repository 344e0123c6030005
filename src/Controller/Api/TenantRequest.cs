namespace Controller.Api;

/// <summary>Body of POST and PATCH /api/v1/tenants.</summary>
public sealed record TenantRequest(string? Name);
