namespace Controller.Store;

/// <summary>Base of every error the store reports on purpose; the REST layer maps each subclass to a status code.</summary>
public abstract class StoreException : Exception
{
    protected StoreException(string message)
        : base(message)
    {
    }
}
