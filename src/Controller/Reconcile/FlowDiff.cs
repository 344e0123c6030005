using Apps.Flows;

namespace Controller.Reconcile;

/// <summary>
/// The pure half of reconciliation: desired vs installed, by the identity OpenFlow uses for strict
/// matching, (table, priority, match) (OVN's ofctrl does the same).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>desired, not installed -> ADD;</item>
/// <item>installed under our scope, not desired -> DELETE_STRICT with its exact cookie;</item>
/// <item>both, instructions differ -> MODIFY_STRICT;</item>
/// <item>both, cookie, timeouts or flags differ -> ADD, which replaces the entry (OpenFlow 1.3's
/// MODIFY keeps the installed cookie, timeouts and flags, so it cannot change them);</item>
/// <item>foreign cookies and preserved cookies (learned entries) are never deleted or modified.</item>
/// </list>
/// Matches are compared in canonical field order, so a dump in the switch's order still matches.
/// </remarks>
public static class FlowDiff
{
    /// <summary>
    /// Diff under the cookie prefix <paramref name="cookiePrefix"/>/<paramref name="cookieMask"/>,
    /// leaving entries with cookie <paramref name="learnedCookie"/> alone.
    /// </summary>
    public static FlowDiffResult Compute(IEnumerable<FlowEntry> desired, IEnumerable<FlowEntry> installed, ulong cookiePrefix, ulong cookieMask, ulong learnedCookie) =>
        Compute(desired, installed, new CookieScope(cookiePrefix, cookieMask, new HashSet<ulong> { learnedCookie }));

    public static FlowDiffResult Compute(IEnumerable<FlowEntry> desired, IEnumerable<FlowEntry> installed, CookieScope scope)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(installed);
        ArgumentNullException.ThrowIfNull(scope);

        var want = new Dictionary<FlowKey, FlowEntry>();
        foreach (var d in desired)
        {
            if (!scope.Manages(d.Cookie.Value))
            {
                throw new ArgumentException($"desired flow outside the reconciler's cookie scope: {d}", nameof(desired));
            }

            var c = d.Canonical();
            if (!want.TryAdd(c.Key, c))
            {
                throw new ArgumentException($"two desired flows share (table, priority, match): {want[c.Key]} / {d}", nameof(desired));
            }
        }

        var ours = new Dictionary<FlowKey, FlowEntry>();
        var others = new Dictionary<FlowKey, FlowEntry>();
        var deletes = new List<FlowEntry>();
        foreach (var i in installed)
        {
            var c = i.Canonical();
            if (!scope.Manages(i.Cookie.Value))
            {
                others.TryAdd(c.Key, i);
            }
            else if (!want.ContainsKey(c.Key) || !ours.TryAdd(c.Key, c))
            {
                deletes.Add(i);
            }
        }

        var adds = new List<FlowEntry>();
        var modifies = new List<FlowEntry>();
        var overwrites = new List<FlowEntry>();
        var unchanged = 0;
        foreach (var (key, d) in want)
        {
            if (!ours.TryGetValue(key, out var i))
            {
                adds.Add(d);
                if (others.TryGetValue(key, out var other))
                {
                    overwrites.Add(other);
                }
            }
            else if (i.Cookie != d.Cookie || i.IdleTimeout != d.IdleTimeout || i.HardTimeout != d.HardTimeout || i.Flags != d.Flags)
            {
                adds.Add(d);
            }
            else if (!i.Instructions.SequenceEqual(d.Instructions))
            {
                modifies.Add(d);
            }
            else
            {
                unchanged++;
            }
        }

        return new FlowDiffResult(Sorted(deletes), Sorted(adds), Sorted(modifies), unchanged, Sorted(overwrites));
    }

    private static List<FlowEntry> Sorted(List<FlowEntry> flows)
    {
        flows.Sort(FlowSendOrder.Instance); // unstable, but flows that compare equal send the same FLOW_MOD key
        return flows;
    }
}
