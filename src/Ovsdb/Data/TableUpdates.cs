using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Schema;

namespace Ovsdb.Data;

/// <summary>RFC 7047 &lt;table-updates&gt;: per table, per row uuid, the row's change.</summary>
public sealed record TableUpdates(ImmutableDictionary<string, ImmutableDictionary<Guid, RowUpdate>> Tables)
{
    public static readonly TableUpdates Empty = new(ImmutableDictionary<string, ImmutableDictionary<Guid, RowUpdate>>.Empty);

    public int RowCount => Tables.Values.Sum(t => t.Count);

    public static TableUpdates Parse(JsonElement json, DatabaseSchema? schema)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return Empty;
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("table-updates must be an object");
        }

        var tables = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<Guid, RowUpdate>>(StringComparer.Ordinal);
        foreach (var t in json.EnumerateObject())
        {
            TableSchema? ts = schema is not null && schema.Tables.TryGetValue(t.Name, out var x) ? x : null;
            if (t.Value.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"table-update for {t.Name} must be an object");
            }

            var rows = ImmutableDictionary.CreateBuilder<Guid, RowUpdate>();
            foreach (var r in t.Value.EnumerateObject())
            {
                if (!Guid.TryParse(r.Name, out var uuid))
                {
                    throw new FormatException($"row key '{OvsdbAtom.Truncate(r.Name)}' in {t.Name} is not a uuid");
                }

                var old = r.Value.TryGetProperty("old", out var o) ? OvsdbRow.ParseColumns(o, ts) : null;
                var @new = r.Value.TryGetProperty("new", out var n) ? OvsdbRow.ParseColumns(n, ts) : null;
                rows[uuid] = new RowUpdate(old, @new);
            }

            tables[t.Name] = rows.ToImmutable();
        }

        return new TableUpdates(tables.ToImmutable());
    }
}
