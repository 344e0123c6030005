namespace Controller.Reconcile;

/// <summary>Where a switch's reconciler stands; shown in REST and metrics.</summary>
public enum ReconcilerState
{
    /// <summary>Started; the first read-back has not begun.</summary>
    Connecting,

    /// <summary>A run is reading back, diffing or waiting for its barrier.</summary>
    Syncing,

    /// <summary>The last run succeeded: the switch holds what the app wanted for <see cref="SwitchReconciler.ConfirmedVersion"/>.</summary>
    InSync,

    /// <summary>An audit found our flows changed behind our back; a repair run is under way.</summary>
    Drifted,

    /// <summary>The last run failed; a full resync follows after the retry delay.</summary>
    Failed,
}
