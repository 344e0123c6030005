using System.Globalization;
using Apps.Overlay;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>What the tests look for in <c>ovs-ofctl dump-flows br-tun</c> output.</summary>
internal static class OverlayFlows
{
    /// <summary>The cookie the controller's learn action stamps on table-20 entries.</summary>
    public static ulong LearnedCookie => BrTunPipeline.LearnedCookie.Value;

    /// <summary>The cookie of the controller's per-network flows (br-tun app prefix, segment id).</summary>
    public static ulong SegmentCookie(uint segment) => Apps.Flows.AppId.BrTun.Cookie(segment).Value;

    public static string TunId(uint segment) => "tun_id=0x" + segment.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Table 2's flow that maps <paramref name="segment"/> to this host's local VLAN.</summary>
    public static DumpedFlow? FromTunnel(IEnumerable<DumpedFlow> flows, uint segment) =>
        flows.FirstOrDefault(f => f.Table == 2 && f.Match.Contains(TunId(segment), StringComparison.Ordinal));

    /// <summary>Table 21's flood flow of <paramref name="segment"/>.</summary>
    public static DumpedFlow? Flood(IEnumerable<DumpedFlow> flows, uint segment) =>
        flows.FirstOrDefault(f => f.Table == 21 && f.Cookie == SegmentCookie(segment));

    public static bool HasSegment(IEnumerable<DumpedFlow> flows, uint segment) => FromTunnel(flows, segment) is not null;
}
