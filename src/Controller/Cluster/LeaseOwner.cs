namespace Controller.Cluster;

/// <summary>Who owns one thing: the member, its generation (the key's create revision) and the lease the key is bound to.</summary>
internal sealed record LeaseOwner(string Member, ulong Generation, long Lease);
