using System.Collections.Concurrent;

namespace Controller.Reconcile;

/// <summary>
/// The reconcilers of the connected switches, so that one store change can invalidate them all and
/// one port change just its switch. Each reconciler recomputes from the latest state (level-triggered)
/// and sends nothing when its switch is unaffected.
/// </summary>
public sealed class ReconcilerRegistry
{
    private readonly ConcurrentDictionary<ulong, SwitchReconciler> _byDpid = new();

    public IReadOnlyCollection<SwitchReconciler> All => [.. _byDpid.Values];

    /// <summary>Registers a switch's reconciler; a previous one for the same datapath is returned for disposal.</summary>
    public SwitchReconciler? Register(SwitchReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        SwitchReconciler? previous = null;
        _byDpid.AddOrUpdate(reconciler.DatapathId, reconciler, (_, old) =>
        {
            previous = old;
            return reconciler;
        });
        return previous;
    }

    /// <summary>Removes the reconciler if it is still the registered one.</summary>
    public bool Unregister(SwitchReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        return _byDpid.TryRemove(new KeyValuePair<ulong, SwitchReconciler>(reconciler.DatapathId, reconciler));
    }

    public SwitchReconciler? Find(ulong datapathId) => _byDpid.TryGetValue(datapathId, out var r) ? r : null;

    /// <summary>The network state changed: every switch recomputes after its debounce.</summary>
    public void InvalidateAll()
    {
        foreach (var r in _byDpid.Values)
        {
            r.Invalidate();
        }
    }

    /// <summary>A switch's ports changed.</summary>
    public void Invalidate(ulong datapathId) => Find(datapathId)?.Invalidate();
}
