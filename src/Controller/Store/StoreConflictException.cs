namespace Controller.Store;

/// <summary>The request clashes with what the store holds: a duplicate key (REST: 409).</summary>
public class StoreConflictException : StoreException
{
    public StoreConflictException(string message, string? field = null)
        : base(message)
    {
        Field = field;
    }

    /// <summary>The field whose value clashes, when there is one.</summary>
    public string? Field { get; }
}
