using System.Net;

namespace Controller.Store;

/// <summary>
/// What <see cref="TenantStore.CreateHost"/> needs: a datapath id (a host declared by hand), a system id
/// (a host managed over OVSDB, whose datapath id is learned), or both.
/// </summary>
/// <param name="UnderlayMtu">The host's underlay MTU; null or 0: <c>Plumbing:UnderlayMtu</c>.</param>
public sealed record NewHost(string Name, ulong? DatapathId, IPAddress TunnelIp, string? SystemId = null, int? UnderlayMtu = null);
