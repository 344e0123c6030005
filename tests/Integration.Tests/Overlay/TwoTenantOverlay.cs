using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// An <see cref="OverlayBed"/> with two tenants whose addresses overlap, declared over REST: tenant A
/// (segment 100) and tenant B (segment 200) each have VM <c>10.0.0.n</c> on host n. Ports are declared
/// A then B on host 1 and B then A on host 2, so each tenant gets a different local VLAN on each host
/// (A: 1 and 2, B: 2 and 1) and tables 2 and 21 must translate.
/// </summary>
internal sealed class TwoTenantOverlay : IAsyncDisposable
{
    public const uint SegmentA = 100;
    public const uint SegmentB = 200;

    private TwoTenantOverlay(OverlayBed bed, string networkA, string networkB, TenantVm a1, TenantVm b1, TenantVm a2, TenantVm b2)
    {
        Bed = bed;
        NetworkA = networkA;
        NetworkB = networkB;
        A1 = a1;
        B1 = b1;
        A2 = a2;
        B2 = b2;
    }

    public OverlayBed Bed { get; }

    public string NetworkA { get; }

    public string NetworkB { get; }

    public TenantVm A1 { get; }

    public TenantVm B1 { get; }

    public TenantVm A2 { get; }

    public TenantVm B2 { get; }

    public OvsHypervisor H1 => Bed.Hosts[0];

    public OvsHypervisor H2 => Bed.Hosts[1];

    public static async Task<TwoTenantOverlay> CreateAsync(TunnelType tunnelType, IReadOnlyDictionary<string, string?>? settings = null, bool ipv6Underlay = false)
    {
        var bed = await OverlayBed.CreateAsync(2, tunnelType, settings, ipv6Underlay).ConfigureAwait(false);
        try
        {
            var netA = await bed.CreateTenantNetworkAsync("a", SegmentA).ConfigureAwait(false);
            var netB = await bed.CreateTenantNetworkAsync("b", SegmentB).ConfigureAwait(false);
            var (h1, h2) = (bed.Hosts[0], bed.Hosts[1]);
            var a1 = await bed.AddVmAsync(h1, "a1", netA, "10.0.0.1/24").ConfigureAwait(false);
            var b1 = await bed.AddVmAsync(h1, "b1", netB, "10.0.0.1/24").ConfigureAwait(false);
            var b2 = await bed.AddVmAsync(h2, "b2", netB, "10.0.0.2/24").ConfigureAwait(false);
            var a2 = await bed.AddVmAsync(h2, "a2", netA, "10.0.0.2/24").ConfigureAwait(false);
            return new TwoTenantOverlay(bed, netA, netB, a1, b1, a2, b2);
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Bed.DisposeAsync();
}
