using System.Text.Json;

namespace Ovsdb.Operations;

/// <summary>An RFC 7047 error object: <c>{"error": "...", "details": "..."}</c>.</summary>
public sealed record OvsdbError(string Error, string? Details)
{
    public static OvsdbError? TryParse(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.String)
        {
            return new OvsdbError(json.GetString()!, null);
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("error", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string? details = json.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return new OvsdbError(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(), details);
    }

    public override string ToString() => Details is null ? Error : $"{Error}: {Details}";
}
