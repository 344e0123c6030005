using System.Collections.Immutable;
using Ovsdb.Data;
using Ovsdb.Schema;

namespace Ovsdb.Replication;

/// <summary>
/// An in-memory copy of monitored tables, kept current from a monitor's initial reply and its
/// <c>update</c> notifications. <see cref="Snapshot"/> is immutable: a reconciler diffs against it while
/// later updates build the next one. Not thread-safe for writers: one owner applies updates in order.
/// </summary>
public sealed class OvsdbReplica
{
    public OvsdbReplica(DatabaseSchema? schema = null)
    {
        Schema = schema;
        Snapshot = ReplicaSnapshot.Empty;
    }

    /// <summary>The schema the rows were typed by, if any.</summary>
    public DatabaseSchema? Schema { get; }

    public ReplicaSnapshot Snapshot { get; private set; }

    /// <summary>Number of updates applied (initial contents count as one).</summary>
    public long Version { get; private set; }

    /// <summary>Applies a change set: inserts and the initial contents add rows, modifies merge the new columns, deletes remove.</summary>
    public void Apply(TableUpdates updates)
    {
        var tables = Snapshot.Tables.ToBuilder();
        foreach (var (table, rows) in updates.Tables)
        {
            var current = tables.TryGetValue(table, out var t) ? t.ToBuilder() : ImmutableDictionary.CreateBuilder<Guid, OvsdbRow>();
            foreach (var (uuid, change) in rows)
            {
                if (change.New is null)
                {
                    current.Remove(uuid);
                    continue;
                }

                // RFC 7047 monitor (v1) sends every monitored column in "new"; merging over the old row
                // also keeps a partial "new" (as monitor_cond sends) correct.
                var columns = current.TryGetValue(uuid, out var existing) ? existing.Columns.SetItems(change.New) : change.New;

                current[uuid] = new OvsdbRow(uuid, columns);
            }

            tables[table] = current.ToImmutable();
        }

        Snapshot = new ReplicaSnapshot(tables.ToImmutable());
        Version++;
    }

    public void Clear()
    {
        Snapshot = ReplicaSnapshot.Empty;
        Version++;
    }
}
