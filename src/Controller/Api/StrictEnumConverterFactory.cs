using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Controller.Api;

/// <summary>
/// Enums as strings under a naming policy, read back only in exactly that spelling: "vxlan" is a tunnel
/// type, "VXLAN", "Vxlan", "1" and 1 are not (JsonStringEnumConverter reads names case-insensitively
/// and, unless told otherwise, numbers).
/// </summary>
internal sealed class StrictEnumConverterFactory(JsonNamingPolicy policy) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert), policy)!;

    private sealed class StrictEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private readonly FrozenDictionary<string, T> _byName;
        private readonly FrozenDictionary<T, string> _names;

        public StrictEnumConverter(JsonNamingPolicy policy)
        {
            var values = Enum.GetValues<T>();
            _names = values.ToFrozenDictionary(v => v, v => policy.ConvertName(v.ToString()));
            _byName = values.ToFrozenDictionary(v => _names[v], v => v, StringComparer.Ordinal);
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } s && _byName.TryGetValue(s, out var value))
            {
                return value;
            }

            throw new JsonException($"expected one of {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal).Select(k => '"' + k + '"'))}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(_names.TryGetValue(value, out var name) ? name : value.ToString());
        }
    }
}
