using System.Net;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreatePort"/> needs. <paramref name="Mac"/> holds 48 bits.</summary>
/// <param name="Ipv6">Optional IPv6 unicast address (global, unique-local or link-local), unique within the network.</param>
public sealed record NewPort(string NetworkId, string HostId, ulong Mac, IPAddress? Ip = null, string Name = "", IPAddress? Ipv6 = null);
