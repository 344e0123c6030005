using Apps.Flows;
using OpenFlow.Messages;

namespace Controller.Reconcile;

/// <summary>
/// What to change on a switch. <see cref="Deletes"/> are installed entries (sent as DELETE_STRICT
/// with their exact cookie); <see cref="Adds"/> and <see cref="Modifies"/> are desired entries
/// (ADD, MODIFY_STRICT). <see cref="Overwrites"/> lists installed foreign or preserved entries that
/// an ADD will replace because a desired flow has the same (table, priority, match).
/// </summary>
public sealed record FlowDiffResult(
    IReadOnlyList<FlowEntry> Deletes,
    IReadOnlyList<FlowEntry> Adds,
    IReadOnlyList<FlowEntry> Modifies,
    int Unchanged,
    IReadOnlyList<FlowEntry> Overwrites)
{
    public bool IsEmpty => Deletes.Count == 0 && Adds.Count == 0 && Modifies.Count == 0;

    /// <summary>The first batch: DELETE_STRICT per extra flow.</summary>
    public IReadOnlyList<OfpMessage> DeleteMessages() => [.. Deletes.Select(FlowMods.DeleteStrict)];

    /// <summary>The second batch (after the deletes' barrier): ADDs, then MODIFY_STRICTs.</summary>
    public IReadOnlyList<OfpMessage> AddAndModifyMessages() =>
        [.. Adds.Select(f => FlowMods.Add(f)), .. Modifies.Select(FlowMods.ModifyStrict)];

    public bool Equals(FlowDiffResult? other) =>
        other is not null && Unchanged == other.Unchanged
        && Deletes.SequenceEqual(other.Deletes) && Adds.SequenceEqual(other.Adds)
        && Modifies.SequenceEqual(other.Modifies) && Overwrites.SequenceEqual(other.Overwrites);

    public override int GetHashCode() => HashCode.Combine(Deletes.Count, Adds.Count, Modifies.Count, Unchanged);
}
