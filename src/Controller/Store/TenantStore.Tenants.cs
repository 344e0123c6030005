using static Controller.Store.StoreValidation;

namespace Controller.Store;

/// <summary>Tenants: names unique, deletable only without networks. Not part of the snapshot.</summary>
public sealed partial class TenantStore
{
    public IReadOnlyList<TenantInfo> ListTenants() => [.. _state.Tenants.Values.Select(ToInfo)];

    public TenantInfo? FindTenant(string id) => _state.Tenants.TryGetValue(id, out var d) ? ToInfo(d) : null;

    public TenantInfo CreateTenant(string name) => Write(tx =>
    {
        var n = CheckName("name", name);
        if (tx.State.Tenants.Values.Any(x => x.Name == n))
        {
            throw new StoreConflictException($"A tenant named '{n}' already exists.", "name");
        }

        var doc = new TenantDocument { Id = NewId(), Name = n };
        tx.Put(StoreCollection.Tenants, doc.Id, doc);
        return ToInfo(doc);
    });

    public TenantInfo RenameTenant(string id, string name) => Write(tx =>
    {
        var doc = tx.State.Tenants.TryGetValue(id, out var d) ? StoreState.Copy(d) : throw new EntityNotFoundException("tenant", id);
        var n = CheckName("name", name);
        if (tx.State.Tenants.Values.Any(x => x.Name == n && x.Id != id))
        {
            throw new StoreConflictException($"A tenant named '{n}' already exists.", "name");
        }

        doc.Name = n;
        tx.Put(StoreCollection.Tenants, id, doc);
        return ToInfo(doc);
    });

    /// <summary>Deletes a tenant; refused with <see cref="DeleteRefusedException"/> while it has networks.</summary>
    public void DeleteTenant(string id) => Write(tx =>
    {
        if (!tx.State.Tenants.ContainsKey(id))
        {
            throw new EntityNotFoundException("tenant", id);
        }

        var count = tx.State.Indexes.NetworksPerTenant.GetValueOrDefault(id);
        if (count > 0)
        {
            throw new DeleteRefusedException($"Tenant '{id}' still has {count} network(s); delete them first.");
        }

        tx.Delete(StoreCollection.Tenants, id);
        return 0;
    });
}
