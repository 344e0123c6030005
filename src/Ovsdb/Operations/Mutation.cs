using System.Text.Json;
using Ovsdb.Data;

namespace Ovsdb.Operations;

/// <summary>RFC 7047 5.1 &lt;mutation&gt;: <c>[column, mutator, value]</c>; for sets and maps "insert" and "delete".</summary>
public sealed record Mutation(string Column, string Mutator, OvsdbDatum Value)
{
    public static Mutation Insert(string column, OvsdbDatum value) => new(column, "insert", value);

    public static Mutation Delete(string column, OvsdbDatum value) => new(column, "delete", value);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(Column);
        writer.WriteStringValue(Mutator);
        Value.WriteTo(writer);
        writer.WriteEndArray();
    }
}
