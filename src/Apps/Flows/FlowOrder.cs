namespace Apps.Flows;

/// <summary>Display order of flows: table ascending, priority descending, cookie, then the rendered text.</summary>
public sealed class FlowOrder : IComparer<FlowEntry>
{
    public static FlowOrder Instance { get; } = new();

    public int Compare(FlowEntry? x, FlowEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var c = x.TableId.CompareTo(y.TableId);
        if (c != 0)
        {
            return c;
        }

        c = y.Priority.CompareTo(x.Priority);
        if (c != 0)
        {
            return c;
        }

        c = x.Cookie.Value.CompareTo(y.Cookie.Value);
        return c != 0 ? c : string.CompareOrdinal(x.ToString(), y.ToString());
    }

    /// <summary>Sorts flows in this order, rendering each flow's text once.</summary>
    public static IOrderedEnumerable<FlowEntry> Sort(IEnumerable<FlowEntry> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        return flows
            .OrderBy(f => f.TableId)
            .ThenByDescending(f => f.Priority)
            .ThenBy(f => f.Cookie.Value)
            .ThenBy(f => f.ToString(), StringComparer.Ordinal);
    }
}
