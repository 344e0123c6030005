namespace Controller.Hosts;

/// <summary>One host's OVSDB connection as REST shows it (immutable; a new one is published on change).</summary>
public sealed record HostOvsdbStatus
{
    public bool Connected { get; init; }

    public string? RemoteAddress { get; init; }

    public string? LocalAddress { get; init; }

    public string? SchemaVersion { get; init; }

    public DateTimeOffset? ConnectedSince { get; init; }

    public string? SystemId { get; init; }

    public string? HostId { get; init; }

    public DateTimeOffset? LastTransactionAt { get; init; }

    /// <summary>"ok", or the error of the last transaction.</summary>
    public string? LastTransactionResult { get; init; }

    /// <summary>True when the last reconcile found nothing to change.</summary>
    public bool InSync { get; init; }

    /// <summary>What keeps this host from being plumbed, or what was refused; null when all is well.</summary>
    public string? Problem { get; init; }

    public long Transactions { get; init; }

    public long TransactionFailures { get; init; }

    /// <summary>The cluster member that writes this host's OVSDB (null without a cluster, or while nobody does).</summary>
    public string? Writer { get; init; }

    /// <summary>True when this controller is the host's writer (always, without a cluster).</summary>
    public bool WriterIsSelf { get; init; }
}
