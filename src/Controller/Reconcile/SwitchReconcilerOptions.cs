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
}
