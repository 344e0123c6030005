namespace Controller.Store;

/// <summary>
/// A delete that would orphan dependents: a tenant with networks, a network or host with ports, a host at
/// either end of a tunnel-port declaration (REST: 409).
/// </summary>
public sealed class DeleteRefusedException : StoreConflictException
{
    public DeleteRefusedException(string message)
        : base(message)
    {
    }
}
