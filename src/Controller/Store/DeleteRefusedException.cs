namespace Controller.Store;

/// <summary>A delete that would orphan dependents: a tenant with networks, a network or host with ports (REST: 409).</summary>
public sealed class DeleteRefusedException : StoreConflictException
{
    public DeleteRefusedException(string message)
        : base(message)
    {
    }
}
