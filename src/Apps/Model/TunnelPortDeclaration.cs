namespace Apps.Model;

/// <summary>
/// The operator's statement that br-tun port <paramref name="PortName"/> on host
/// <paramref name="OnHostId"/> is a tunnel of type <paramref name="TunnelType"/> leading to host
/// <paramref name="ToHostId"/>. Needed when the port name does not follow the Neutron convention
/// (<c>vxlan-c0a83202</c>); a declaration wins over the name.
/// </summary>
/// <param name="OnHostId">The host whose br-tun holds the port; null means any host's br-tun.</param>
public sealed record TunnelPortDeclaration(string PortName, string ToHostId, TunnelType TunnelType, string? OnHostId = null);
