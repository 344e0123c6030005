using Apps.Plumbing;

namespace Controller.Store;

/// <summary>
/// MTU rules: a network's configured MTU must fit every host it spans (<see cref="NetworkMtu.MaxOn"/>),
/// and no write may break that: configuring a network, adding a port on a host, or changing a host's
/// underlay MTU or tunnel IP (an IPv6 endpoint costs 20 bytes more) is refused with a conflict naming the field.
/// </summary>
public sealed partial class TenantStore
{
    private int _defaultUnderlayMtu = NetworkMtu.DefaultUnderlayMtu;

    /// <summary>The underlay MTU of hosts that have none of their own (<c>Plumbing:UnderlayMtu</c>).</summary>
    public int DefaultUnderlayMtu
    {
        get => _defaultUnderlayMtu;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, NetworkMtu.MinUnderlayMtu);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, NetworkMtu.MaxUnderlayMtu);
            _defaultUnderlayMtu = value;
        }
    }

    /// <summary>A network MTU from a request: 0 (or null) is none; otherwise 68..65493.</summary>
    private static int? TryNetworkMtu(int? mtu, Dictionary<string, string[]> errors) =>
        TryMtu("mtu", mtu, NetworkMtu.MinNetworkMtu, NetworkMtu.MaxNetworkMtu, "the most the network's hosts allow", errors);

    /// <summary>A host's underlay MTU from a request: 0 (or null) is none; otherwise 626..65535.</summary>
    private static int? TryUnderlayMtu(int? mtu, Dictionary<string, string[]> errors) =>
        TryMtu("underlayMtu", mtu, NetworkMtu.MinUnderlayMtu, NetworkMtu.MaxUnderlayMtu, "Plumbing:UnderlayMtu", errors);

    private static int? TryMtu(string field, int? mtu, int min, int max, string none, Dictionary<string, string[]> errors)
    {
        if (mtu is null or 0)
        {
            return null;
        }

        if (mtu < min || mtu > max)
        {
            errors[field] = [$"{field} must be between {min} and {max} (0 for none: {none}); got {mtu}."];
            return null;
        }

        return mtu;
    }

    /// <summary>Refuses (409, <paramref name="field"/>) when the network's configured MTU does not fit <paramref name="host"/>.</summary>
    private void CheckMtuFits(NetworkDocument network, HostDocument host, string field)
    {
        if (network.Mtu is not { } mtu)
        {
            return;
        }

        var info = ToInfo(host);
        var type = Enum.Parse<Apps.Model.TunnelType>(network.TunnelType);
        var max = NetworkMtu.MaxOn(info, type, DefaultUnderlayMtu);
        if (mtu > max)
        {
            var family = info.TunnelIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
            throw new StoreConflictException(
                $"Network '{network.Name}' has mtu {mtu}, but host '{host.Name}' allows at most {max} for it "
                + $"(underlay MTU {NetworkMtu.UnderlayOf(info, DefaultUnderlayMtu)} less {NetworkMtu.Overhead(type, family == "IPv6")} for {type} over {family}).",
                field);
        }
    }

    /// <summary>Every host the network spans in <paramref name="state"/> must carry its configured MTU.</summary>
    private void CheckMtuFitsSpan(StoreState state, NetworkDocument network, string field)
    {
        foreach (var hostId in state.Indexes.HostsOf(network.Id))
        {
            if (state.Hosts.TryGetValue(hostId, out var host))
            {
                CheckMtuFits(network, host, field);
            }
        }
    }

    /// <summary>Every network that spans <paramref name="host"/> in <paramref name="state"/> must still fit it.</summary>
    private void CheckMtuFitsHost(StoreState state, HostDocument host, string field)
    {
        foreach (var networkId in state.Indexes.NetworksOn(host.Id))
        {
            if (state.Networks.TryGetValue(networkId, out var network))
            {
                CheckMtuFits(network, host, field);
            }
        }
    }
}
