using Apps.Flows;

namespace Controller.Reconcile;

/// <summary>
/// Which installed flows the reconciler manages: cookie &amp; <see cref="Mask"/> == <see cref="Prefix"/>,
/// except the <see cref="Preserved"/> cookies (entries made by learn actions or on PACKET_IN),
/// which belong to the switch. Everything else is foreign and never touched.
/// </summary>
public sealed record CookieScope(ulong Prefix, ulong Mask, IReadOnlySet<ulong> Preserved)
{
    /// <summary>The scope of an app: its 16-bit cookie prefix, minus its preserved cookies.</summary>
    public static CookieScope For(IFlowApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new CookieScope(app.Id.CookiePrefix, OpenFlow.Cookie.AppMask, app.PreservedCookies);
    }

    public bool HasPrefix(ulong cookie) => (cookie & Mask) == Prefix;

    public bool Manages(ulong cookie) => HasPrefix(cookie) && !Preserved.Contains(cookie);

    public bool Equals(CookieScope? other) =>
        other is not null && Prefix == other.Prefix && Mask == other.Mask && Preserved.SetEquals(other.Preserved);

    public override int GetHashCode() => HashCode.Combine(Prefix, Mask, Preserved.Count);
}
