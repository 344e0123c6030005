using OpenFlow.Messages;

namespace Controller.Reconcile;

/// <summary>
/// Optional capability of an <see cref="IFlowSwitch"/>: an atomic, ordered bundle (OpenFlow 1.4
/// bundles; on 1.3 the ONF extension ONFT_BUNDLE_CONTROL/ONFT_BUNDLE_ADD_MESSAGE that OVS speaks).
/// </summary>
public interface IBundleSwitch
{
    /// <summary>
    /// Opens a bundle (ATOMIC|ORDERED), adds <paramref name="messages"/> in order and commits it.
    /// The switch applies all of them or none. Throws when the connection is lost.
    /// </summary>
    Task<BundleResult> CommitBundleAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken);
}

/// <summary>How a bundle ended.</summary>
public enum BundleOutcome
{
    /// <summary>COMMIT_REPLY: every message is applied.</summary>
    Committed,

    /// <summary>The switch refused to open a bundle (no bundle support): nothing was sent.</summary>
    Refused,

    /// <summary>An add or the commit failed: the bundle was discarded and nothing is applied.</summary>
    Failed,
}

/// <summary>The outcome of <see cref="IBundleSwitch.CommitBundleAsync"/> with the switch's errors (empty when committed).</summary>
public sealed record BundleResult(BundleOutcome Outcome, IReadOnlyList<ErrorMessage> Errors)
{
    public static BundleResult Committed { get; } = new(BundleOutcome.Committed, []);
}
