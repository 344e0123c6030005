using System.Net;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreatePort"/> needs. <paramref name="Mac"/> holds 48 bits.</summary>
public sealed record NewPort(string NetworkId, string HostId, ulong Mac, IPAddress? Ip = null, string Name = "");
