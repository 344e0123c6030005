using System.Collections.Immutable;

namespace Apps.Model;

/// <summary>Tunnel encapsulation of a tenant network.</summary>
public enum TunnelType
{
    Vxlan,
    Gre,
}

/// <summary>A tenant network: one 24-bit segment id (VXLAN VNI or GRE key), unique in the deployment.</summary>
public sealed record NetworkInfo(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId);

/// <summary>A hypervisor host: its br-tun datapath id and its underlay tunnel endpoint.</summary>
/// <param name="DatapathId">br-tun's datapath id; null for a host managed over OVSDB until it is learned.</param>
/// <param name="SystemId">The host's <c>Open_vSwitch.external_ids:system-id</c>, when it is managed over OVSDB.</param>
public sealed record HostInfo(string Id, string Name, ulong? DatapathId, System.Net.IPAddress TunnelIp, string? SystemId = null);

/// <summary>A tenant VM/container port on a host's br-int.</summary>
public sealed record PortInfo(string Id, string NetworkId, string HostId, ulong Mac, System.Net.IPAddress? Ip, string Name);

/// <summary>The local VLAN that a host uses on br-int for a network.</summary>
public sealed record LocalVlan(string HostId, string NetworkId, ushort Vlan);

/// <summary>
/// An immutable, consistent view of everything the store holds, handed to the pure apps.
/// The store builds a new one after every committed change.
/// </summary>
public sealed record NetworkSnapshot(
    long Version,
    ImmutableArray<NetworkInfo> Networks,
    ImmutableArray<HostInfo> Hosts,
    ImmutableArray<PortInfo> Ports,
    ImmutableArray<LocalVlan> LocalVlans)
{
    private readonly ImmutableArray<TunnelPortDeclaration> _tunnelPorts = [];

    public static NetworkSnapshot Empty { get; } = new(0, [], [], [], []);

    /// <summary>Operator-declared tunnel ports whose names do not say where they lead (empty by default).</summary>
    public ImmutableArray<TunnelPortDeclaration> TunnelPorts
    {
        get => _tunnelPorts;
        init => _tunnelPorts = value.IsDefault ? [] : value;
    }
}
