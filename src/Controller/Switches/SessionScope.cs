using System.Collections;

namespace Controller.Switches;

/// <summary>
/// Log scope of one switch connection: the datapath id as 16 hex digits (once known) and the
/// remote endpoint. One instance per session, reused for every scope it opens.
/// </summary>
internal sealed class SessionScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string DatapathId { get; set; } = "unknown";

    public string Remote { get; set; } = "unknown";

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("DatapathId", DatapathId),
        1 => new("Remote", Remote),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"dpid={DatapathId} remote={Remote}";
}
