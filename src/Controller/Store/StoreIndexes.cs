using System.Collections.Immutable;

namespace Controller.Store;

/// <summary>
/// The lookups a write needs besides "document by id", kept in step with a <see cref="StoreState"/>'s
/// documents by <see cref="StoreState.Apply"/>: every uniqueness check (a port's MAC, IPv4 and IPv6 in its
/// network; a network's name in its tenant and its segment id; a host's name, datapath id, system id and
/// tunnel IP) and every "how many ports of ..." question is O(log n) instead of a scan of the collection.
/// Immutable like the state: an update shares all but the changed paths with its predecessor.
/// </summary>
/// <remarks>
/// The store refuses duplicates, so each unique key maps to one id; should a backend hold duplicates
/// anyway (written by hand), the last one loaded wins the key, and removing a document removes only the
/// keys that still name it.
/// </remarks>
internal sealed record StoreIndexes(
    ImmutableDictionary<string, string> PortByMac,
    ImmutableDictionary<string, string> PortByIp,
    ImmutableDictionary<string, string> PortByIpv6,
    ImmutableDictionary<string, ImmutableSortedDictionary<string, int>> PortsPerNetwork,
    ImmutableDictionary<string, ImmutableSortedDictionary<string, int>> PortsPerHost,
    ImmutableDictionary<string, string> NetworkByName,
    ImmutableDictionary<int, string> NetworkBySegment,
    ImmutableSortedSet<int> Segments,
    ImmutableDictionary<string, int> NetworksPerTenant,
    ImmutableDictionary<string, string> HostByName,
    ImmutableDictionary<long, string> HostByDatapathId,
    ImmutableDictionary<string, string> HostBySystemId,
    ImmutableDictionary<string, string> HostByTunnelIp)
{
    private static readonly ImmutableDictionary<string, string> NoKeys = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
    private static readonly ImmutableDictionary<string, ImmutableSortedDictionary<string, int>> NoCounts =
        ImmutableDictionary.Create<string, ImmutableSortedDictionary<string, int>>(StringComparer.Ordinal);

    public static readonly StoreIndexes Empty = new(
        NoKeys,
        NoKeys,
        NoKeys,
        NoCounts,
        NoCounts,
        NoKeys,
        ImmutableDictionary<int, string>.Empty,
        ImmutableSortedSet<int>.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
        NoKeys,
        ImmutableDictionary<long, string>.Empty,
        NoKeys,
        NoKeys);

    /// <summary>The key of a port's IPv4 or IPv6 address in its network.</summary>
    public static string AddressKey(string networkId, string address) => networkId + "/" + address;

    /// <summary>The indexes after <paramref name="before"/> (null: none) became <paramref name="after"/> (null: deleted).</summary>
    public StoreIndexes Update(StoreCollection collection, object? before, object? after) => collection switch
    {
        StoreCollection.Ports => UpdatePort(before as PortDocument, after as PortDocument),
        StoreCollection.Networks => UpdateNetwork(before as NetworkDocument, after as NetworkDocument),
        StoreCollection.Hosts => UpdateHost(before as HostDocument, after as HostDocument),
        _ => this,
    };

    /// <summary>Hosts with ports of <paramref name="networkId"/>, in id order.</summary>
    public IEnumerable<string> HostsOf(string networkId) =>
        PortsPerNetwork.TryGetValue(networkId, out var hosts) ? hosts.Keys : [];

    /// <summary>Networks with ports on <paramref name="hostId"/>, in id order.</summary>
    public IEnumerable<string> NetworksOn(string hostId) =>
        PortsPerHost.TryGetValue(hostId, out var networks) ? networks.Keys : [];

    public int PortsOfNetwork(string networkId) =>
        PortsPerNetwork.TryGetValue(networkId, out var hosts) ? hosts.Values.Sum() : 0;

    public int PortsOnHost(string hostId) =>
        PortsPerHost.TryGetValue(hostId, out var networks) ? networks.Values.Sum() : 0;

    public int PortsOf(string hostId, string networkId) =>
        PortsPerHost.TryGetValue(hostId, out var networks) ? networks.GetValueOrDefault(networkId) : 0;

    private StoreIndexes UpdatePort(PortDocument? before, PortDocument? after)
    {
        var byMac = PortByMac;
        var byIp = PortByIp;
        var byIpv6 = PortByIpv6;
        var perNetwork = PortsPerNetwork;
        var perHost = PortsPerHost;
        if (before is not null)
        {
            byMac = Unset(byMac, before.NetworkAndMac, before.Id);
            byIp = before.Ip is null ? byIp : Unset(byIp, AddressKey(before.NetworkId, before.Ip), before.Id);
            byIpv6 = before.Ipv6 is null ? byIpv6 : Unset(byIpv6, AddressKey(before.NetworkId, before.Ipv6), before.Id);
            perNetwork = Count(perNetwork, before.NetworkId, before.HostId, -1);
            perHost = Count(perHost, before.HostId, before.NetworkId, -1);
        }

        if (after is not null)
        {
            byMac = byMac.SetItem(after.NetworkAndMac, after.Id);
            byIp = after.Ip is null ? byIp : byIp.SetItem(AddressKey(after.NetworkId, after.Ip), after.Id);
            byIpv6 = after.Ipv6 is null ? byIpv6 : byIpv6.SetItem(AddressKey(after.NetworkId, after.Ipv6), after.Id);
            perNetwork = Count(perNetwork, after.NetworkId, after.HostId, +1);
            perHost = Count(perHost, after.HostId, after.NetworkId, +1);
        }

        return this with { PortByMac = byMac, PortByIp = byIp, PortByIpv6 = byIpv6, PortsPerNetwork = perNetwork, PortsPerHost = perHost };
    }

    private StoreIndexes UpdateNetwork(NetworkDocument? before, NetworkDocument? after)
    {
        var byName = NetworkByName;
        var bySegment = NetworkBySegment;
        var segments = Segments;
        var perTenant = NetworksPerTenant;
        if (before is not null)
        {
            byName = Unset(byName, before.TenantAndName, before.Id);
            if (bySegment.TryGetValue(before.SegmentId, out var id) && id == before.Id)
            {
                bySegment = bySegment.Remove(before.SegmentId);
                segments = segments.Remove(before.SegmentId);
            }

            perTenant = Add(perTenant, before.TenantId, -1);
        }

        if (after is not null)
        {
            byName = byName.SetItem(after.TenantAndName, after.Id);
            bySegment = bySegment.SetItem(after.SegmentId, after.Id);
            segments = segments.Add(after.SegmentId);
            perTenant = Add(perTenant, after.TenantId, +1);
        }

        return this with { NetworkByName = byName, NetworkBySegment = bySegment, Segments = segments, NetworksPerTenant = perTenant };
    }

    private StoreIndexes UpdateHost(HostDocument? before, HostDocument? after)
    {
        var byName = HostByName;
        var byDpid = HostByDatapathId;
        var bySystemId = HostBySystemId;
        var byTunnelIp = HostByTunnelIp;
        if (before is not null)
        {
            byName = Unset(byName, before.Name, before.Id);
            byDpid = before.DatapathId is { } d && byDpid.TryGetValue(d, out var id) && id == before.Id ? byDpid.Remove(d) : byDpid;
            bySystemId = before.SystemId is null ? bySystemId : Unset(bySystemId, before.SystemId, before.Id);
            byTunnelIp = Unset(byTunnelIp, before.TunnelIp, before.Id);
        }

        if (after is not null)
        {
            byName = byName.SetItem(after.Name, after.Id);
            byDpid = after.DatapathId is { } d ? byDpid.SetItem(d, after.Id) : byDpid;
            bySystemId = after.SystemId is null ? bySystemId : bySystemId.SetItem(after.SystemId, after.Id);
            byTunnelIp = byTunnelIp.SetItem(after.TunnelIp, after.Id);
        }

        return this with { HostByName = byName, HostByDatapathId = byDpid, HostBySystemId = bySystemId, HostByTunnelIp = byTunnelIp };
    }

    private static ImmutableDictionary<string, string> Unset(ImmutableDictionary<string, string> index, string key, string id) =>
        index.TryGetValue(key, out var holder) && holder == id ? index.Remove(key) : index;

    private static ImmutableDictionary<string, int> Add(ImmutableDictionary<string, int> counts, string key, int delta)
    {
        var n = counts.GetValueOrDefault(key) + delta;
        return n > 0 ? counts.SetItem(key, n) : counts.Remove(key);
    }

    private static ImmutableDictionary<string, ImmutableSortedDictionary<string, int>> Count(
        ImmutableDictionary<string, ImmutableSortedDictionary<string, int>> index, string outer, string inner, int delta)
    {
        var counts = index.TryGetValue(outer, out var c) ? c : ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);
        var n = counts.GetValueOrDefault(inner) + delta;
        counts = n > 0 ? counts.SetItem(inner, n) : counts.Remove(inner);
        return counts.IsEmpty ? index.Remove(outer) : index.SetItem(outer, counts);
    }
}
