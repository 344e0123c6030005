namespace Controller.Hosts;

/// <summary>What a host's writer may do, given the token on the host (<see cref="WriterFence.Decide"/>).</summary>
internal enum FenceDecision
{
    /// <summary>The host carries our token: write, every transaction guarded by it.</summary>
    Write,

    /// <summary>The host carries no token or an older one: set ours first (compare-and-swap).</summary>
    TakeOver,

    /// <summary>The host carries a newer writer's token: we are stale and must not write.</summary>
    Stale,
}
