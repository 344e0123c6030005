using Apps.Model;

namespace Controller.Store;

/// <summary>A stored tunnel-port declaration: port <paramref name="PortName"/> on host <paramref name="HostId"/>'s br-tun leads to <paramref name="RemoteHostId"/>.</summary>
public sealed record TunnelPortInfo(string Id, string HostId, string PortName, string RemoteHostId, TunnelType TunnelType)
{
    /// <summary>The form the br-tun app reads from <see cref="NetworkSnapshot.TunnelPorts"/>.</summary>
    public TunnelPortDeclaration ToDeclaration() => new(PortName, RemoteHostId, TunnelType, HostId);
}
