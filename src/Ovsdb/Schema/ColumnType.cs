using System.Text.Json;
using Ovsdb.Data;

namespace Ovsdb.Schema;

/// <summary>
/// RFC 7047 &lt;type&gt;: key type, optional value type (a map), and the element count bounds. A column
/// with min 1 and max 1 is a scalar; min 0 max 1 an optional scalar; max above 1 a set or map.
/// </summary>
public sealed record ColumnType(BaseType Key, BaseType? Value, int Min, int Max)
{
    public const int Unlimited = int.MaxValue;

    public bool IsMap => Value is not null;

    public bool IsScalar => Min == 1 && Max == 1 && !IsMap;

    /// <summary>The value a new row gets when an insert leaves the column out.</summary>
    public OvsdbDatum Default => Min == 0
        ? (IsMap ? OvsdbDatum.EmptyMap : OvsdbDatum.EmptySet)
        : IsMap
            ? OvsdbDatum.Map([KeyValuePair.Create(OvsdbAtom.DefaultOf(Key.Kind), OvsdbAtom.DefaultOf(Value!.Kind))])
            : OvsdbDatum.Atom(Key.Enum.IsDefaultOrEmpty ? OvsdbAtom.DefaultOf(Key.Kind) : Key.Enum[0]);

    public static ColumnType Parse(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.String)
        {
            return new ColumnType(BaseType.Parse(json), null, 1, 1);
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("key", out var key))
        {
            throw new FormatException("column type must be an atomic type name or an object with \"key\"");
        }

        var value = json.TryGetProperty("value", out var v) ? BaseType.Parse(v) : null;
        int min = json.TryGetProperty("min", out var mn) ? mn.GetInt32() : 1;
        int max = 1;
        if (json.TryGetProperty("max", out var mx))
        {
            max = mx.ValueKind == JsonValueKind.String && mx.GetString() == "unlimited" ? Unlimited : mx.GetInt32();
        }

        if (min is < 0 or > 1 || max < 1 || min > max)
        {
            throw new FormatException($"bad column bounds min {min} max {max}");
        }

        return new ColumnType(BaseType.Parse(key), value, min, max);
    }
}
