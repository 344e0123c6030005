using Apps.Model;

namespace Apps.Plumbing;

/// <summary>
/// The MTU a tenant network offers its VMs: the underlay MTU minus the encapsulation's overhead
/// over an IPv4 underlay (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 = 50; outer IPv4 20
/// + GRE with key 8 + inner Ethernet 14 = 42), the figures Neutron uses.
/// </summary>
public static class NetworkMtu
{
    public const int DefaultUnderlayMtu = 1500;

    /// <summary>The smallest underlay MTU accepted: an IPv4 network needs 576, plus the largest overhead.</summary>
    public const int MinUnderlayMtu = 626;

    /// <summary>Largest underlay MTU accepted (jumbo frames).</summary>
    public const int MaxUnderlayMtu = 65535;

    public static int Overhead(TunnelType type) => type switch
    {
        TunnelType.Vxlan => 50,
        TunnelType.Gre => 42,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tunnel type"),
    };

    public static int For(TunnelType type, int underlayMtu)
    {
        if (underlayMtu is < MinUnderlayMtu or > MaxUnderlayMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(underlayMtu), underlayMtu, $"underlay MTU must be {MinUnderlayMtu}..{MaxUnderlayMtu}");
        }

        return underlayMtu - Overhead(type);
    }
}
