namespace Controller.Store;

/// <summary>A field refers to an entity that does not exist, e.g. a port's <c>networkId</c> (REST: 400).</summary>
public sealed class UnknownReferenceException : StoreValidationException
{
    public UnknownReferenceException(string field, string entity, string id)
        : base(field, $"{entity} '{id}' does not exist.")
    {
        Field = field;
    }

    public string Field { get; }
}
