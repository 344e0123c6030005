namespace Controller.Store;

/// <summary>
/// The backend cannot take writes now (etcd unreachable or without quorum, or the write lost every retry to
/// concurrent writers): REST 503. Nothing of the write is applied, except where <see cref="Ambiguous"/> says
/// the outcome is unknown (the request timed out after it was sent).
/// </summary>
public sealed class StoreUnavailableException : StoreException
{
    public StoreUnavailableException(string message, bool ambiguous = false, Exception? inner = null)
        : base(message)
    {
        Ambiguous = ambiguous;
        if (inner is not null)
        {
            Data["inner"] = inner.Message;
        }
    }

    /// <summary>True when the write may have been committed even though no answer came back.</summary>
    public bool Ambiguous { get; }
}
