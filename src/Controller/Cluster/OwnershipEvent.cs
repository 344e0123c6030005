namespace Controller.Cluster;

/// <summary>How this member's ownership of one thing changed in a refresh.</summary>
internal enum OwnershipEvent
{
    /// <summary>This member now owns it.</summary>
    Won,

    /// <summary>This member no longer owns it; <see cref="OwnershipChange{TKey}.Member"/> does (or "nobody").</summary>
    Lost,

    /// <summary>This member gave it up (no longer a candidate, e.g. the switch disconnected).</summary>
    Released,
}
