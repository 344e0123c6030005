using System.Collections.Immutable;
using Ovsdb.Data;

namespace Ovsdb.Replication;

/// <summary>Immutable rows of every monitored table at one moment.</summary>
public sealed record ReplicaSnapshot(ImmutableDictionary<string, ImmutableDictionary<Guid, OvsdbRow>> Tables)
{
    public static readonly ReplicaSnapshot Empty = new(ImmutableDictionary.Create<string, ImmutableDictionary<Guid, OvsdbRow>>(StringComparer.Ordinal));

    public ImmutableDictionary<Guid, OvsdbRow> Rows(string table) =>
        Tables.TryGetValue(table, out var rows) ? rows : ImmutableDictionary<Guid, OvsdbRow>.Empty;

    public OvsdbRow? Row(string table, Guid uuid) => Rows(table).TryGetValue(uuid, out var r) ? r : null;
}
