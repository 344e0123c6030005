namespace Controller.Reconcile;

/// <summary>Timing of <see cref="SwitchReconciler"/>.</summary>
public sealed record SwitchReconcilerOptions
{
    /// <summary>How long a change waits for more changes before the switch is recomputed.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First delay before a full resync after a failed batch; doubles per failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a switch in sync is audited for drift (our flows deleted, changed or added behind
    /// our back); null turns the audit off. Each audit compares flow counts (OFPMP_AGGREGATE per table
    /// under our cookie prefix, preserved cookies subtracted) and dumps only on a mismatch.
    /// </summary>
    public TimeSpan? AuditInterval { get; init; }

    /// <summary>
    /// Every this many audits the flows are dumped even when the counts match: counts cannot see a
    /// flow whose actions were changed in place (mod-flows). 1 dumps at every audit.
    /// </summary>
    public int AuditFullEvery { get; init; } = 6;
}
