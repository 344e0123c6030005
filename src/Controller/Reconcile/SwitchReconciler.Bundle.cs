using Apps.Flows;

namespace Controller.Reconcile;

/// <summary>
/// Full resyncs (a reconnect that finds differences, a drift repair) applied as one atomic bundle
/// where the switch supports it: the deletes, adds and modifies of the diff in one ordered bundle,
/// so the switch never shows a half-repaired table. A switch that refuses to open a bundle is
/// remembered and gets plain FLOW_MODs with barriers from then on; a bundle whose commit fails
/// (nothing applied) falls back to plain FLOW_MODs for that run, whose errors then fail the run as
/// usual.
/// </summary>
public sealed partial class SwitchReconciler
{
    private volatile bool _bundlesRefused;
    private long _bundleCommits;
    private long _bundleFallbacks;

    /// <summary>Full resyncs committed as one atomic bundle.</summary>
    public long BundleCommits => Interlocked.Read(ref _bundleCommits);

    /// <summary>Bundles refused or failed, applied with plain FLOW_MODs instead.</summary>
    public long BundleFallbacks => Interlocked.Read(ref _bundleFallbacks);

    /// <summary>False once the switch refused to open a bundle.</summary>
    public bool BundlesSupported => _switch is IBundleSwitch && !_bundlesRefused;

    /// <summary>Raised after each bundle attempt with its outcome.</summary>
    public event EventHandler<BundleOutcome>? BundleApplied;

    /// <summary>Applies the whole diff as one bundle; false when the caller must send plain FLOW_MODs instead.</summary>
    private async Task<bool> TryApplyBundleAsync(FlowDiffResult diff, Dictionary<FlowKey, FlowEntry> installed, CancellationToken ct)
    {
        var count = diff.Deletes.Count + diff.Adds.Count + diff.Modifies.Count;
        if (!_options.Bundles || count < Math.Max(1, _options.BundleMinMessages) || _bundlesRefused || _switch is not IBundleSwitch bundles)
        {
            return false;
        }

        lock (_lock)
        {
            _installed = null;
        }

        IReadOnlyList<OpenFlow.Messages.OfpMessage> messages = [.. diff.DeleteMessages(), .. diff.AddAndModifyMessages()];
        var result = await bundles.CommitBundleAsync(messages, ct).ConfigureAwait(false);
        BundleApplied?.Invoke(this, result.Outcome);
        if (result.Outcome != BundleOutcome.Committed)
        {
            _bundlesRefused |= result.Outcome == BundleOutcome.Refused;
            Interlocked.Increment(ref _bundleFallbacks);
            Log.BundleFallback(_logger, _dpid, result.Outcome.ToString(), count, string.Join(", ", result.Errors.Select(e => e.Describe())));
            return false;
        }

        Interlocked.Increment(ref _bundleCommits);
        Interlocked.Add(ref _flowModsSent, messages.Count);
        foreach (var d in diff.Deletes)
        {
            installed.Remove(d.Key);
        }

        foreach (var f in diff.Adds.Concat(diff.Modifies))
        {
            installed[f.Key] = f;
        }

        Publish(installed);
        Log.BundleCommitted(_logger, _dpid, count);
        return true;
    }
}
