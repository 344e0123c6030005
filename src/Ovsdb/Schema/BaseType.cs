using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Data;

namespace Ovsdb.Schema;

/// <summary>RFC 7047 &lt;base-type&gt;: an atomic type with its optional constraints.</summary>
public sealed record BaseType(AtomKind Kind)
{
    /// <summary>For a uuid: the table it references, if any.</summary>
    public string? RefTable { get; init; }

    /// <summary>"strong" (the default) or "weak".</summary>
    public string? RefType { get; init; }

    /// <summary>Allowed values when the schema gives an enum; empty otherwise.</summary>
    public ImmutableArray<OvsdbAtom> Enum { get; init; } = [];

    public static BaseType Parse(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.String)
        {
            return new BaseType(ParseKind(json.GetString()!));
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("base type must be a type name or an object with \"type\"");
        }

        var kind = ParseKind(t.GetString()!);
        var enumValues = ImmutableArray<OvsdbAtom>.Empty;
        if (json.TryGetProperty("enum", out var e))
        {
            enumValues = OvsdbDatum.FromJson(e, new ColumnType(new BaseType(kind), null, 0, int.MaxValue)).Keys;
        }

        return new BaseType(kind)
        {
            RefTable = json.TryGetProperty("refTable", out var rt) ? rt.GetString() : null,
            RefType = json.TryGetProperty("refType", out var rty) ? rty.GetString() : null,
            Enum = enumValues,
        };
    }

    private static AtomKind ParseKind(string name) => name switch
    {
        "integer" => AtomKind.Integer,
        "real" => AtomKind.Real,
        "boolean" => AtomKind.Boolean,
        "string" => AtomKind.String,
        "uuid" => AtomKind.Uuid,
        _ => throw new FormatException($"unknown atomic type '{name}'"),
    };
}
