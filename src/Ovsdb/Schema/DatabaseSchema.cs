using System.Collections.Immutable;
using System.Text.Json;

namespace Ovsdb.Schema;

/// <summary>
/// RFC 7047 &lt;database-schema&gt; as the server reports it with <c>get_schema</c>. Callers ask it whether
/// a table or column exists before they monitor or write it, so an older vswitch schema still works.
/// </summary>
public sealed record DatabaseSchema(string Name, string? Version, ImmutableDictionary<string, TableSchema> Tables)
{
    public bool HasTable(string table) => Tables.ContainsKey(table);

    public bool HasColumn(string table, string column) => Tables.TryGetValue(table, out var t) && t.HasColumn(column);

    public TableSchema Table(string name) => Tables.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"schema {Name} has no table {name}");

    /// <summary>The version as numbers (e.g. 8.3.1), or null if absent or not numeric.</summary>
    public Version? ParsedVersion => System.Version.TryParse(Version, out var v) ? v : null;

    public static DatabaseSchema Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("schema must be an object");
        }

        string name = json.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new FormatException("schema has no name");
        string? version = json.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!json.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("schema has no tables");
        }

        var builder = ImmutableDictionary.CreateBuilder<string, TableSchema>(StringComparer.Ordinal);
        foreach (var t in tables.EnumerateObject())
        {
            builder[t.Name] = TableSchema.Parse(t.Name, t.Value);
        }

        return new DatabaseSchema(name, version, builder.ToImmutable());
    }
}
