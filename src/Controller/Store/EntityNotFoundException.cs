namespace Controller.Store;

/// <summary>The addressed entity does not exist (REST: 404).</summary>
public sealed class EntityNotFoundException : StoreException
{
    public EntityNotFoundException(string entity, string id)
        : base($"{entity} '{id}' does not exist.")
    {
        Entity = entity;
        Id = id;
    }

    public string Entity { get; }

    public string Id { get; }
}
