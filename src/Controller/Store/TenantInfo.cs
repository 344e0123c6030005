namespace Controller.Store;

/// <summary>A tenant: the owner of networks. Tenants are not part of <see cref="Apps.Model.NetworkSnapshot"/>.</summary>
public sealed record TenantInfo(string Id, string Name);
