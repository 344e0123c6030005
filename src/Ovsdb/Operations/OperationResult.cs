using System.Text.Json;

namespace Ovsdb.Operations;

/// <summary>One element of a transact reply: the new row's uuid (insert), a row count, selected rows, or an error.</summary>
public sealed record OperationResult(Guid? Uuid, long? Count, JsonElement? Rows, OvsdbError? Error)
{
    public static OperationResult Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new OperationResult(null, null, null, null);
        }

        Guid? uuid = null;
        if (json.TryGetProperty("uuid", out var u))
        {
            uuid = Data.OvsdbAtom.FromJson(u).AsUuid;
        }

        long? count = json.TryGetProperty("count", out var c) && c.TryGetInt64(out long n) ? n : null;
        JsonElement? rows = json.TryGetProperty("rows", out var r) ? r.Clone() : null;
        return new OperationResult(uuid, count, rows, OvsdbError.TryParse(json));
    }
}
