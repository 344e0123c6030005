using System.Net.Sockets;
using Apps.Model;

namespace Apps.Plumbing;

/// <summary>
/// The MTU a tenant network offers its VMs. Per host the network spans (has a port on): that host's
/// underlay MTU (its own, else <c>Plumbing:UnderlayMtu</c>) less the encapsulation's overhead for the
/// network's tunnel type over that host's underlay IP version (outer IPv4 20 + UDP 8 + VXLAN 8 + inner
/// Ethernet 14 = 50; GRE with key 8 instead of UDP + VXLAN = 42; Geneve without options as VXLAN; an
/// IPv6 outer header is 40, so 20 more each), the figures Neutron uses. The network's maximum is the
/// smallest of those (a frame must fit every path between its hosts); its effective MTU is the
/// configured one, never above that maximum. One function for REST, DHCP option 26 and
/// <c>mtu_request</c>, so the three always agree.
/// </summary>
public static class NetworkMtu
{
    public const int DefaultUnderlayMtu = 1500;

    /// <summary>The smallest underlay MTU accepted: an IPv4 network needs 576, plus the largest overhead.</summary>
    public const int MinUnderlayMtu = 626;

    /// <summary>Largest underlay MTU accepted (jumbo frames).</summary>
    public const int MaxUnderlayMtu = 65535;

    /// <summary>The smallest network MTU accepted: IPv4's minimum (RFC 791), the least DHCP option 26 may carry.</summary>
    public const int MinNetworkMtu = 68;

    /// <summary>The largest network MTU accepted: the largest underlay less the smallest overhead.</summary>
    public const int MaxNetworkMtu = MaxUnderlayMtu - 42;

    /// <summary>
    /// Bytes the encapsulation adds: VXLAN 50 and Geneve 50 (outer IPv4 20 + UDP 8 + 8-byte header, no
    /// options: the controller sets none + inner Ethernet 14), GRE 42; an IPv6 underlay adds 20 more (outer header 40 instead of 20).
    /// </summary>
    public static int Overhead(TunnelType type, bool ipv6Underlay = false) => (ipv6Underlay ? 20 : 0) + type switch
    {
        TunnelType.Vxlan => 50,
        TunnelType.Gre => 42,
        TunnelType.Geneve => 50,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tunnel type"),
    };

    public static int For(TunnelType type, int underlayMtu, bool ipv6Underlay = false)
    {
        if (underlayMtu is < MinUnderlayMtu or > MaxUnderlayMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(underlayMtu), underlayMtu, $"underlay MTU must be {MinUnderlayMtu}..{MaxUnderlayMtu}");
        }

        return underlayMtu - Overhead(type, ipv6Underlay);
    }

    /// <summary>The host's underlay MTU: its own when set, else <paramref name="defaultUnderlayMtu"/>.</summary>
    public static int UnderlayOf(HostInfo host, int defaultUnderlayMtu)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.UnderlayMtu ?? defaultUnderlayMtu;
    }

    /// <summary>The largest MTU a network of <paramref name="type"/> can have on <paramref name="host"/>.</summary>
    public static int MaxOn(HostInfo host, TunnelType type, int defaultUnderlayMtu)
    {
        ArgumentNullException.ThrowIfNull(host);
        return For(type, UnderlayOf(host, defaultUnderlayMtu), host.TunnelIp.AddressFamily == AddressFamily.InterNetworkV6);
    }

    /// <summary>The hosts <paramref name="network"/> spans: those with at least one of its ports, ordered by id.</summary>
    public static IReadOnlyList<HostInfo> Spans(NetworkSnapshot state, NetworkInfo network)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(network);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in state.Ports)
        {
            if (p.NetworkId == network.Id)
            {
                ids.Add(p.HostId);
            }
        }

        return [.. state.Hosts.Where(h => ids.Contains(h.Id)).OrderBy(h => h.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The network's MTUs: <see cref="NetworkMtuInfo.Max"/> is the smallest over the hosts it spans (a
    /// network on no host yet: the default underlay over IPv4); <see cref="NetworkMtuInfo.Effective"/> is
    /// the configured MTU when there is one, never above the maximum of the hosts it spans (the store refuses
    /// writes that would break that; only a smaller <c>Plumbing:UnderlayMtu</c> at a restart can).
    /// </summary>
    public static NetworkMtuInfo Of(NetworkSnapshot state, NetworkInfo network, int defaultUnderlayMtu)
    {
        var spans = Spans(state, network);
        var max = spans.Count == 0
            ? For(network.TunnelType, defaultUnderlayMtu)
            : spans.Min(h => MaxOn(h, network.TunnelType, defaultUnderlayMtu));
        var effective = network.Mtu is { } configured ? (spans.Count == 0 ? configured : Math.Min(configured, max)) : max;
        return new NetworkMtuInfo(effective, max, network.Mtu);
    }
}
