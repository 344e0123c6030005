using System.Collections.Immutable;
using System.Net;
using Apps.Model;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreateNetwork"/> needs. A null segment id means "allocate the lowest free one".</summary>
/// <param name="Cidr">Optional IPv4 prefix, e.g. 10.0.0.0/24; when set, port addresses must lie inside it.</param>
/// <param name="Gateway">Optional default gateway for DHCP; needs <paramref name="Cidr"/> and lies inside it.</param>
/// <param name="DnsServers">Optional DNS servers for DHCP, at most <see cref="MaxDnsServers"/>.</param>
/// <param name="Mtu">Optional MTU for the network's VMs; null or 0: the most the hosts it spans allow.</param>
public sealed record NewNetwork(string TenantId, string Name, TunnelType TunnelType, uint? SegmentId = null, string? Cidr = null, IPAddress? Gateway = null, ImmutableArray<IPAddress> DnsServers = default, int? Mtu = null)
{
    public const int MaxDnsServers = 8;
}
