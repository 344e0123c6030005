using Apps.Model;

namespace Controller.Store;

/// <summary>What <see cref="TenantStore.CreateTunnelPort"/> needs: port <paramref name="PortName"/> on host <paramref name="HostId"/>'s br-tun leads to <paramref name="RemoteHostId"/>.</summary>
public sealed record NewTunnelPort(string HostId, string PortName, string RemoteHostId, TunnelType TunnelType);
