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
    private readonly DatabaseSchema? _schema;

    public OvsdbReplica(DatabaseSchema? schema = null)
    {
        _schema = schema;
        Snapshot = ReplicaSnapshot.Empty;
    }

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
            var schema = _schema is not null && _schema.Tables.TryGetValue(table, out var ts) ? ts : null;
            foreach (var (uuid, change) in rows)
            {
                if (change.New is null)
                {
                    current.Remove(uuid);
                    continue;
                }

                ImmutableDictionary<string, OvsdbDatum> columns;
                if (current.TryGetValue(uuid, out var existing))
                {
                    columns = existing.Columns.SetItems(change.New);
                }
                else
                {
                    columns = WithDefaults(change.New, schema);
                }

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

    // monitor_cond and some servers leave default-valued columns out of a new row; fill them in from the
    // schema so that "absent" and "default" compare equal.
    private static ImmutableDictionary<string, OvsdbDatum> WithDefaults(ImmutableDictionary<string, OvsdbDatum> columns, TableSchema? schema)
    {
        if (schema is null)
        {
            return columns;
        }

        var b = columns.ToBuilder();
        foreach (var c in schema.Columns.Values)
        {
            if (!b.ContainsKey(c.Name))
            {
                b[c.Name] = c.Type.Default;
            }
        }

        return b.ToImmutable();
    }
}
