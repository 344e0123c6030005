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

    /// <summary>
    /// Subscribe to the switch's flow monitor once in sync, so that a change behind our back is
    /// repaired right away instead of at the next audit. Switches that refuse it keep the audit.
    /// </summary>
    public bool FlowMonitor { get; init; } = true;

    /// <summary>How long a monitor-reported drift waits for more updates before the repair run starts (a burst folds into one run).</summary>
    public TimeSpan DriftSettle { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Apply full resyncs as one atomic bundle where the switch supports it.</summary>
    public bool Bundles { get; init; } = true;

    /// <summary>A full resync with fewer flow changes than this is sent as plain FLOW_MODs.</summary>
    public int BundleMinMessages { get; init; } = 2;
}
