namespace Controller.Store;

/// <summary>
/// Input the store refuses field by field (REST: 400 validation problem): out-of-range values, and references to
/// entities that do not exist (a port on a missing network names the field <c>networkId</c>).
/// </summary>
public class StoreValidationException : StoreException
{
    public StoreValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public StoreValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join(" ", errors.SelectMany(e => e.Value)))
    {
        Errors = errors;
    }

    /// <summary>Field name (camelCase, as in the REST body) to messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
