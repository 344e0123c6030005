using System.Collections.Immutable;
using System.Text.Json;

namespace Ovsdb.Schema;

public sealed record TableSchema(string Name, ImmutableDictionary<string, ColumnSchema> Columns, bool IsRoot, long? MaxRows)
{
    public bool HasColumn(string column) => Columns.ContainsKey(column);

    public static TableSchema Parse(string name, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("columns", out var cols) || cols.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"table '{name}' has no \"columns\" object");
        }

        var columns = ImmutableDictionary.CreateBuilder<string, ColumnSchema>(StringComparer.Ordinal);
        foreach (var c in cols.EnumerateObject())
        {
            if (!c.Value.TryGetProperty("type", out var type))
            {
                throw new FormatException($"column {name}.{c.Name} has no type");
            }

            ColumnType parsed;
            try
            {
                parsed = ColumnType.Parse(type);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                throw new FormatException($"column {name}.{c.Name}: {ex.Message}", ex);
            }

            bool ephemeral = c.Value.TryGetProperty("ephemeral", out var e) && e.ValueKind == JsonValueKind.True;
            bool mutable = !c.Value.TryGetProperty("mutable", out var m) || m.ValueKind != JsonValueKind.False;
            columns[c.Name] = new ColumnSchema(c.Name, parsed, ephemeral, mutable);
        }

        bool isRoot = json.TryGetProperty("isRoot", out var r) && r.ValueKind == JsonValueKind.True;
        long? maxRows = json.TryGetProperty("maxRows", out var mr) ? mr.GetInt64() : null;
        return new TableSchema(name, columns.ToImmutable(), isRoot, maxRows);
    }
}
