namespace Controller.Store;

/// <summary>LiteDB shape of a tenant (collection <c>tenants</c>).</summary>
internal sealed class TenantDocument
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";
}
