namespace Controller.Cluster;

/// <summary>A change of this member's ownership of <see cref="Key"/>, with the member that owns it now and the generation.</summary>
internal readonly record struct OwnershipChange<TKey>(TKey Key, OwnershipEvent Event, string Member, ulong Generation);
