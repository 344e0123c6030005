using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Schema;

namespace Ovsdb.Data;

/// <summary>An immutable row: its uuid and the column values that the replica knows.</summary>
public sealed record OvsdbRow(Guid Uuid, ImmutableDictionary<string, OvsdbDatum> Columns)
{
    /// <summary>The column's value; an absent column reads as the empty set.</summary>
    public OvsdbDatum this[string column] => Columns.TryGetValue(column, out var v) ? v : OvsdbDatum.EmptySet;

    public bool Has(string column) => Columns.ContainsKey(column);

    /// <summary>A string column (e.g. <c>name</c>), or "" when empty.</summary>
    public string GetString(string column) => this[column].AsOptionalString() ?? string.Empty;

    /// <summary>Reads <c>{"col": value, ...}</c>, typed by the table schema when there is one.</summary>
    public static ImmutableDictionary<string, OvsdbDatum> ParseColumns(JsonElement json, TableSchema? table)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("row must be an object");
        }

        var b = ImmutableDictionary.CreateBuilder<string, OvsdbDatum>(StringComparer.Ordinal);
        foreach (var p in json.EnumerateObject())
        {
            ColumnType? type = table is not null && table.Columns.TryGetValue(p.Name, out var c) ? c.Type : null;
            b[p.Name] = OvsdbDatum.FromJson(p.Value, type);
        }

        return b.ToImmutable();
    }
}
