using System.Collections.Immutable;
using OpenFlow.Matching;

namespace Apps.Flows;

/// <summary>
/// What flows in one table may look like: the match fields they may use and the tables they may
/// continue to. Tests check every computed flow against its table's schema (Faucet's
/// <c>_verify_flowmod</c>), so a flow that strays into a field or table nobody designed fails fast.
/// </summary>
public sealed record TableSchema(byte TableId, string Name, ImmutableArray<OxmBasic> AllowedMatch, ImmutableArray<byte> NextTables)
{
    public bool Equals(TableSchema? other) =>
        other is not null && TableId == other.TableId && Name == other.Name
        && AllowedMatch.SequenceEqual(other.AllowedMatch) && NextTables.SequenceEqual(other.NextTables);

    public override int GetHashCode() => HashCode.Combine(TableId, Name);
}
