namespace Controller.Api;

public sealed record TenantResponse(string Id, string Name);
