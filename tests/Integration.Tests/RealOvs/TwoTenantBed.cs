using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>
/// Hosts with two tenants whose addresses overlap: tenant A (segment 100) and tenant B (segment 200) each have
/// VM <c>10.0.0.{n}</c> on host n. Local VLANs differ per host on purpose (A: 1, 5, 9; B: 2, 7, 11), so the
/// VLAN-to-segment translation of tables 2 and 21 is exercised. br-tun carries the hand-typed pipeline.
/// </summary>
internal sealed class TwoTenantBed : IAsyncDisposable
{
    public const uint SegmentA = 100;
    public const uint SegmentB = 200;

    private static readonly int[] VlansA = [1, 5, 9, 13];
    private static readonly int[] VlansB = [2, 7, 11, 15];

    private TwoTenantBed(OvsTopology topology, IReadOnlyList<Vm> a, IReadOnlyList<Vm> b)
    {
        Topology = topology;
        A = a;
        B = b;
    }

    public OvsTopology Topology { get; }

    /// <summary>Tenant A's VMs, A[i] on host i+1 with address 10.0.0.{i+1}.</summary>
    public IReadOnlyList<Vm> A { get; }

    /// <summary>Tenant B's VMs, B[i] on host i+1 with address 10.0.0.{i+1}.</summary>
    public IReadOnlyList<Vm> B { get; }

    public static IReadOnlyList<TenantSegment> Segments(int hostIndex)
        => [new(SegmentA, VlansA[hostIndex - 1]), new(SegmentB, VlansB[hostIndex - 1])];

    public static async Task<TwoTenantBed> CreateAsync(int hostCount, TunnelType tunnelType)
    {
        var topology = await OvsTopology.CreateAsync(hostCount, tunnelType).ConfigureAwait(false);
        try
        {
            var a = new List<Vm>();
            var b = new List<Vm>();
            foreach (var host in topology.Hosts)
            {
                var segments = Segments(host.Index);
                a.Add(await topology.AddVmAsync(host, $"a{host.Index}", segments[0].LocalVlan, $"10.0.0.{host.Index}/24").ConfigureAwait(false));
                b.Add(await topology.AddVmAsync(host, $"b{host.Index}", segments[1].LocalVlan, $"10.0.0.{host.Index}/24").ConfigureAwait(false));
            }

            await Task.WhenAll(topology.Hosts.Select(h => ManualBrTun.InstallAsync(h, topology.TunnelPorts(h), Segments(h.Index)))).ConfigureAwait(false);
            return new TwoTenantBed(topology, a, b);
        }
        catch
        {
            await topology.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Topology.DisposeAsync();
}
