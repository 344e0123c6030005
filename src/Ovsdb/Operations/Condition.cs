using System.Text.Json;
using Ovsdb.Data;

namespace Ovsdb.Operations;

/// <summary>RFC 7047 5.1 &lt;condition&gt;: <c>[column, function, value]</c>.</summary>
public sealed record Condition(string Column, string Function, OvsdbDatum Value)
{
    public static Condition Equal(string column, OvsdbDatum value) => new(column, "==", value);

    public static Condition NotEqual(string column, OvsdbDatum value) => new(column, "!=", value);

    public static Condition Includes(string column, OvsdbDatum value) => new(column, "includes", value);

    public static Condition Excludes(string column, OvsdbDatum value) => new(column, "excludes", value);

    /// <summary>The row whose <c>_uuid</c> is this one.</summary>
    public static Condition ByUuid(Guid uuid) => new("_uuid", "==", OvsdbAtom.Uuid(uuid));

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(Column);
        writer.WriteStringValue(Function);
        Value.WriteTo(writer);
        writer.WriteEndArray();
    }
}
