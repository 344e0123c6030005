using System.Net;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreateHost"/> needs.</summary>
public sealed record NewHost(string Name, ulong DatapathId, IPAddress TunnelIp);
