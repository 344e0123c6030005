using System.Globalization;
using System.Text.Json;

namespace Ovsdb.Data;

/// <summary>
/// One RFC 7047 atom: <c>1</c>, <c>1.5</c>, <c>true</c>, <c>"s"</c>, <c>["uuid","..."]</c> or
/// <c>["named-uuid","name"]</c>. Value equality, and a total order (kind, then value) so sets and maps
/// have one canonical form.
/// </summary>
public readonly struct OvsdbAtom : IEquatable<OvsdbAtom>, IComparable<OvsdbAtom>
{
    private readonly long _integer;
    private readonly double _real;
    private readonly string? _string;
    private readonly Guid _uuid;

    private OvsdbAtom(AtomKind kind, long integer = 0, double real = 0, string? text = null, Guid uuid = default)
    {
        Kind = kind;
        _integer = integer;
        _real = real;
        _string = text;
        _uuid = uuid;
    }

    public AtomKind Kind { get; }

    public static OvsdbAtom Integer(long value) => new(AtomKind.Integer, integer: value);

    public static OvsdbAtom Real(double value) => new(AtomKind.Real, real: value);

    public static OvsdbAtom Boolean(bool value) => new(AtomKind.Boolean, integer: value ? 1 : 0);

    public static OvsdbAtom String(string value) => new(AtomKind.String, text: value ?? throw new ArgumentNullException(nameof(value)));

    public static OvsdbAtom Uuid(Guid value) => new(AtomKind.Uuid, uuid: value);

    /// <summary>A reference, inside one transaction, to the row an insert with this uuid-name creates.</summary>
    public static OvsdbAtom NamedUuid(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(AtomKind.NamedUuid, text: name);
    }

    public static implicit operator OvsdbAtom(string value) => String(value);

    public static implicit operator OvsdbAtom(long value) => Integer(value);

    public static implicit operator OvsdbAtom(bool value) => Boolean(value);

    public static implicit operator OvsdbAtom(Guid value) => Uuid(value);

    public long AsInteger => Kind == AtomKind.Integer ? _integer : throw WrongKind(AtomKind.Integer);

    public double AsReal => Kind switch
    {
        AtomKind.Real => _real,
        AtomKind.Integer => _integer,
        _ => throw WrongKind(AtomKind.Real),
    };

    public bool AsBoolean => Kind == AtomKind.Boolean ? _integer != 0 : throw WrongKind(AtomKind.Boolean);

    public string AsString => Kind is AtomKind.String or AtomKind.NamedUuid ? _string! : throw WrongKind(AtomKind.String);

    public Guid AsUuid => Kind == AtomKind.Uuid ? _uuid : throw WrongKind(AtomKind.Uuid);

    /// <summary>The default atom of a type (RFC 7047 5.1: 0, 0.0, false, "", the all-zero uuid).</summary>
    public static OvsdbAtom DefaultOf(AtomKind kind) => kind switch
    {
        AtomKind.Integer => Integer(0),
        AtomKind.Real => Real(0),
        AtomKind.Boolean => Boolean(false),
        AtomKind.String => String(string.Empty),
        AtomKind.Uuid => Uuid(Guid.Empty),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no default"),
    };

    /// <summary>
    /// Reads an atom. With <paramref name="expected"/> (from the schema) a JSON integer is taken as a real
    /// where the column is real; without it the JSON form decides.
    /// </summary>
    public static OvsdbAtom FromJson(JsonElement json, AtomKind? expected = null)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                return String(json.GetString()!);
            case JsonValueKind.True:
                return Boolean(true);
            case JsonValueKind.False:
                return Boolean(false);
            case JsonValueKind.Number:
                if (expected != AtomKind.Real && json.TryGetInt64(out long l))
                {
                    return Integer(l);
                }

                return Real(json.GetDouble());
            case JsonValueKind.Array when json.GetArrayLength() == 2 && json[0].ValueKind == JsonValueKind.String && json[1].ValueKind == JsonValueKind.String:
                string tag = json[0].GetString()!;
                string value = json[1].GetString()!;
                if (tag == "uuid")
                {
                    return Guid.TryParse(value, out var g) ? Uuid(g) : throw new FormatException($"bad uuid '{value}'");
                }

                if (tag == "named-uuid")
                {
                    return value.Length > 0 ? NamedUuid(value) : throw new FormatException("empty named-uuid");
                }

                break;
        }

        throw new FormatException($"not an OVSDB atom: {Truncate(json.GetRawText())}");
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case AtomKind.Integer:
                writer.WriteNumberValue(_integer);
                break;
            case AtomKind.Real:
                writer.WriteNumberValue(_real);
                break;
            case AtomKind.Boolean:
                writer.WriteBooleanValue(_integer != 0);
                break;
            case AtomKind.String:
                writer.WriteStringValue(_string);
                break;
            case AtomKind.Uuid:
                writer.WriteStartArray();
                writer.WriteStringValue("uuid");
                writer.WriteStringValue(_uuid.ToString("D"));
                writer.WriteEndArray();
                break;
            case AtomKind.NamedUuid:
                writer.WriteStartArray();
                writer.WriteStringValue("named-uuid");
                writer.WriteStringValue(_string);
                writer.WriteEndArray();
                break;
        }
    }

    public bool Equals(OvsdbAtom other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is OvsdbAtom other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        AtomKind.Integer or AtomKind.Boolean => HashCode.Combine(Kind, _integer),
        AtomKind.Real => HashCode.Combine(Kind, _real),
        AtomKind.Uuid => HashCode.Combine(Kind, _uuid),
        _ => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_string ?? string.Empty)),
    };

    public int CompareTo(OvsdbAtom other)
    {
        if (Kind != other.Kind)
        {
            return Kind.CompareTo(other.Kind);
        }

        return Kind switch
        {
            AtomKind.Integer or AtomKind.Boolean => _integer.CompareTo(other._integer),
            AtomKind.Real => _real.CompareTo(other._real),
            AtomKind.Uuid => _uuid.CompareTo(other._uuid),
            _ => string.CompareOrdinal(_string, other._string),
        };
    }

    public static bool operator ==(OvsdbAtom left, OvsdbAtom right) => left.Equals(right);

    public static bool operator !=(OvsdbAtom left, OvsdbAtom right) => !left.Equals(right);

    public static bool operator <(OvsdbAtom left, OvsdbAtom right) => left.CompareTo(right) < 0;

    public static bool operator >(OvsdbAtom left, OvsdbAtom right) => left.CompareTo(right) > 0;

    public static bool operator <=(OvsdbAtom left, OvsdbAtom right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OvsdbAtom left, OvsdbAtom right) => left.CompareTo(right) >= 0;

    public override string ToString() => Kind switch
    {
        AtomKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        AtomKind.Real => _real.ToString("R", CultureInfo.InvariantCulture),
        AtomKind.Boolean => _integer != 0 ? "true" : "false",
        AtomKind.String => _string!,
        AtomKind.Uuid => _uuid.ToString("D"),
        _ => "@" + _string,
    };

    private InvalidOperationException WrongKind(AtomKind wanted) => new($"atom is {Kind}, not {wanted}");

    internal static string Truncate(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 120), "...");
}
