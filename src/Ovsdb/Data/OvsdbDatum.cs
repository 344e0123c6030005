using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Schema;

namespace Ovsdb.Data;

/// <summary>
/// A column value (RFC 7047 5.1 &lt;value&gt;): a set of atoms, or a map of atom to atom. A single atom is
/// a set of one; an optional column that is empty is the empty set. Elements are kept sorted and unique,
/// so two datums are equal when they hold the same elements in any order, as OVSDB compares them.
/// </summary>
public sealed class OvsdbDatum : IEquatable<OvsdbDatum>
{
    public static readonly OvsdbDatum EmptySet = new(false, [], []);

    public static readonly OvsdbDatum EmptyMap = new(true, [], []);

    private OvsdbDatum(bool isMap, ImmutableArray<OvsdbAtom> keys, ImmutableArray<OvsdbAtom> values)
    {
        IsMap = isMap;
        Keys = keys;
        Values = values;
    }

    public bool IsMap { get; }

    /// <summary>The set's elements, or the map's keys, in canonical order.</summary>
    public ImmutableArray<OvsdbAtom> Keys { get; }

    /// <summary>The map's values, parallel to <see cref="Keys"/>; empty for a set.</summary>
    public ImmutableArray<OvsdbAtom> Values { get; }

    public int Count => Keys.Length;

    public bool IsEmpty => Keys.IsEmpty;

    public static OvsdbDatum Atom(OvsdbAtom atom) => new(false, [atom], []);

    public static OvsdbDatum Set(IEnumerable<OvsdbAtom> atoms)
    {
        var sorted = atoms.Distinct().Order().ToImmutableArray();
        return sorted.IsEmpty ? EmptySet : new(false, sorted, []);
    }

    public static OvsdbDatum Set(params OvsdbAtom[] atoms) => Set((IEnumerable<OvsdbAtom>)atoms);

    /// <summary>A map; a key given twice is an error, as it is for ovsdb-server.</summary>
    public static OvsdbDatum Map(IEnumerable<KeyValuePair<OvsdbAtom, OvsdbAtom>> pairs)
    {
        var list = pairs.OrderBy(p => p.Key).ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Key == list[i - 1].Key)
            {
                throw new ArgumentException($"duplicate map key '{list[i].Key}'", nameof(pairs));
            }
        }

        return list.Count == 0 ? EmptyMap : new(true, list.Select(p => p.Key).ToImmutableArray(), list.Select(p => p.Value).ToImmutableArray());
    }

    public static OvsdbDatum Map(IEnumerable<KeyValuePair<string, string>> pairs) =>
        Map(pairs.Select(p => KeyValuePair.Create(OvsdbAtom.String(p.Key), OvsdbAtom.String(p.Value))));

    public static implicit operator OvsdbDatum(OvsdbAtom atom) => Atom(atom);

    public static implicit operator OvsdbDatum(string value) => Atom(OvsdbAtom.String(value));

    public static implicit operator OvsdbDatum(long value) => Atom(OvsdbAtom.Integer(value));

    public static implicit operator OvsdbDatum(bool value) => Atom(OvsdbAtom.Boolean(value));

    /// <summary>The only atom of a set of one (a scalar column).</summary>
    public OvsdbAtom Single => !IsMap && Keys.Length == 1 ? Keys[0] : throw new InvalidOperationException($"datum has {Keys.Length} elements, not one");

    public bool TryGetSingle(out OvsdbAtom atom)
    {
        atom = default;
        if (IsMap || Keys.Length != 1)
        {
            return false;
        }

        atom = Keys[0];
        return true;
    }

    /// <summary>String content of a scalar string column, or null when the set is empty.</summary>
    public string? AsOptionalString() => TryGetSingle(out var a) && a.Kind == AtomKind.String ? a.AsString : null;

    public bool TryGetValue(OvsdbAtom key, out OvsdbAtom value)
    {
        int i = Keys.BinarySearch(key);
        if (IsMap && i >= 0)
        {
            value = Values[i];
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>A string map's value for a key, or null.</summary>
    public string? GetString(string key) => TryGetValue(OvsdbAtom.String(key), out var v) && v.Kind == AtomKind.String ? v.AsString : null;

    public bool Contains(OvsdbAtom atom) => Keys.BinarySearch(atom) >= 0;

    public IEnumerable<KeyValuePair<OvsdbAtom, OvsdbAtom>> Pairs => Keys.Select((k, i) => KeyValuePair.Create(k, Values[i]));

    /// <summary>A string-to-string map as a dictionary (non-string entries are skipped).</summary>
    public IReadOnlyDictionary<string, string> ToStringMap()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in Pairs)
        {
            if (k.Kind == AtomKind.String && v.Kind == AtomKind.String)
            {
                d[k.AsString] = v.AsString;
            }
        }

        return d;
    }

    /// <summary>
    /// Reads a value. The schema's type, when given, tells a real from an integer and a map from a set
    /// when the value is empty (<c>["set",[]]</c> is how the empty map is also written).
    /// </summary>
    public static OvsdbDatum FromJson(JsonElement json, ColumnType? type = null)
    {
        var keyKind = type?.Key.Kind;
        var valueKind = type?.Value?.Kind;
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 2 && json[0].ValueKind == JsonValueKind.String)
        {
            string tag = json[0].GetString()!;
            if (tag == "set")
            {
                if (json[1].ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("\"set\" must be followed by an array");
                }

                var atoms = json[1].EnumerateArray().Select(e => OvsdbAtom.FromJson(e, keyKind)).ToList();
                if (atoms.Count == 0 && type is { IsMap: true })
                {
                    return EmptyMap;
                }

                if (type is { IsMap: true })
                {
                    throw new FormatException("a non-empty set where the column is a map");
                }

                return Set(atoms);
            }

            if (tag == "map")
            {
                if (json[1].ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("\"map\" must be followed by an array");
                }

                var pairs = new List<KeyValuePair<OvsdbAtom, OvsdbAtom>>();
                foreach (var pair in json[1].EnumerateArray())
                {
                    if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                    {
                        throw new FormatException("a map entry must be a [key, value] pair");
                    }

                    pairs.Add(KeyValuePair.Create(OvsdbAtom.FromJson(pair[0], keyKind), OvsdbAtom.FromJson(pair[1], valueKind)));
                }

                return Map(pairs);
            }
        }

        return Atom(OvsdbAtom.FromJson(json, keyKind));
    }

    /// <summary>Writes the RFC form: a set of one as the bare atom, otherwise <c>["set",...]</c> or <c>["map",...]</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        if (IsMap)
        {
            writer.WriteStartArray();
            writer.WriteStringValue("map");
            writer.WriteStartArray();
            for (int i = 0; i < Keys.Length; i++)
            {
                writer.WriteStartArray();
                Keys[i].WriteTo(writer);
                Values[i].WriteTo(writer);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
            return;
        }

        if (Keys.Length == 1)
        {
            Keys[0].WriteTo(writer);
            return;
        }

        writer.WriteStartArray();
        writer.WriteStringValue("set");
        writer.WriteStartArray();
        foreach (var atom in Keys)
        {
            atom.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndArray();
    }

    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Equal elements; an empty map equals an empty set (the wire cannot tell them apart).</summary>
    public bool Equals(OvsdbDatum? other)
    {
        if (other is null)
        {
            return false;
        }

        if (IsEmpty && other.IsEmpty)
        {
            return true;
        }

        return IsMap == other.IsMap && Keys.SequenceEqual(other.Keys) && Values.SequenceEqual(other.Values);
    }

    public override bool Equals(object? obj) => Equals(obj as OvsdbDatum);

    public static bool operator ==(OvsdbDatum? left, OvsdbDatum? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(OvsdbDatum? left, OvsdbDatum? right) => !(left == right);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var k in Keys)
        {
            h.Add(k);
        }

        foreach (var v in Values)
        {
            h.Add(v);
        }

        return h.ToHashCode();
    }

    public override string ToString() => ToJson();
}
