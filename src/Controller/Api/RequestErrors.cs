namespace Controller.Api;

/// <summary>Collects field errors while a request body is turned into store input; throws them as one 400.</summary>
internal sealed class RequestErrors
{
    private readonly Dictionary<string, string[]> _errors = [];

    public void Add(string field, string message) => _errors[field] = [message];

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new Store.StoreValidationException(_errors);
        }
    }
}
