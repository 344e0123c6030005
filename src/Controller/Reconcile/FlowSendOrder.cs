using Apps.Flows;
using OpenFlow.Matching;

namespace Controller.Reconcile;

/// <summary>
/// The order a reconcile sends its FLOW_MODs in: table ascending, priority descending, cookie, then the match
/// compared field by field. Deterministic like <see cref="FlowOrder"/> (the display order) but without rendering
/// any flow's text: a full install of 100,000 flows spent over a second rendering them only to break ties that
/// make no difference on the switch.
/// </summary>
internal sealed class FlowSendOrder : IComparer<FlowEntry>
{
    public static FlowSendOrder Instance { get; } = new();

    public int Compare(FlowEntry? x, FlowEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = x.TableId.CompareTo(y.TableId);
        if (c == 0)
        {
            c = y.Priority.CompareTo(x.Priority);
        }

        if (c == 0)
        {
            c = x.Cookie.Value.CompareTo(y.Cookie.Value);
        }

        return c != 0 ? c : CompareMatches(x.Match, y.Match);
    }

    private static int CompareMatches(Match x, Match y)
    {
        var c = x.Fields.Length.CompareTo(y.Fields.Length);
        for (int i = 0; c == 0 && i < x.Fields.Length; i++)
        {
            c = CompareFields(x.Fields[i], y.Fields[i]);
        }

        return c;
    }

    private static int CompareFields(OxmField x, OxmField y)
    {
        var c = x.Header.CompareTo(y.Header);
        if (c == 0)
        {
            c = x.Experimenter.CompareTo(y.Experimenter);
        }

        if (c == 0)
        {
            c = x.Value.Span.SequenceCompareTo(y.Value.Span);
        }

        if (c == 0 && x.Mask is { } xm && y.Mask is { } ym)
        {
            c = xm.Span.SequenceCompareTo(ym.Span); // Header already says whether both have a mask
        }

        return c;
    }
}
