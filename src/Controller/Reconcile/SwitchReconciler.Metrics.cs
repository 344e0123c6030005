namespace Controller.Reconcile;

/// <summary>What the reconciler tells metrics: failed runs with their duration, and the installed flows per table.</summary>
public sealed partial class SwitchReconciler
{
    /// <summary>Raised after a run that failed (from the reconciler's loop), with how long it ran; successful runs raise <see cref="Reconciled"/>.</summary>
    public event EventHandler<TimeSpan>? ReconcileFailed;

    /// <summary>
    /// Adds the number of managed flows known to be installed in each table to <paramref name="perTable"/> (index:
    /// table id; 256 entries), without copying or sorting them. False, and nothing added, while they are unknown
    /// (before the first read-back, after a failure, while a batch waits for its barrier).
    /// </summary>
    public bool CountInstalled(Span<int> perTable)
    {
        lock (_lock)
        {
            if (_installed is null)
            {
                return false;
            }

            foreach (var f in _installed.Values)
            {
                perTable[f.TableId]++;
            }

            return true;
        }
    }
}
