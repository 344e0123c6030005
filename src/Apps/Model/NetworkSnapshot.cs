using System.Collections.Immutable;

namespace Apps.Model;

/// <summary>Tunnel encapsulation of a tenant network.</summary>
public enum TunnelType
{
    Vxlan,
    Gre,

    /// <summary>Geneve (RFC 8926); OVS port type <c>geneve</c>, tunnel port names <c>gnv-...</c>.</summary>
    Geneve,
}

/// <summary>A tenant network: one 24-bit segment id (VXLAN VNI or GRE key), unique in the deployment.</summary>
public sealed record NetworkInfo(string Id, string TenantId, string Name, TunnelType TunnelType, uint SegmentId)
{
    private readonly ImmutableArray<System.Net.IPAddress> _dnsServers = [];

    /// <summary>The network's IPv4 prefix, when the operator gave one (needed for DHCP).</summary>
    public System.Net.IPNetwork? Subnet { get; init; }

    /// <summary>The default gateway handed out by DHCP (option 3), optional.</summary>
    public System.Net.IPAddress? Gateway { get; init; }

    /// <summary>
    /// The MTU the operator configured for the network, or null: then it is the most every host the
    /// network spans can carry (<see cref="Apps.Plumbing.NetworkMtu"/>).
    /// </summary>
    public int? Mtu { get; init; }

    /// <summary>DNS servers handed out by DHCP (option 6), optional.</summary>
    public ImmutableArray<System.Net.IPAddress> DnsServers
    {
        get => _dnsServers;
        init => _dnsServers = value.IsDefault ? [] : value;
    }

    public bool Equals(NetworkInfo? other) =>
        other is not null && Id == other.Id && TenantId == other.TenantId && Name == other.Name && TunnelType == other.TunnelType
        && SegmentId == other.SegmentId && Mtu == other.Mtu && Equals(Subnet, other.Subnet) && Equals(Gateway, other.Gateway) && DnsServers.SequenceEqual(other.DnsServers);

    public override int GetHashCode() => HashCode.Combine(Id, SegmentId);
}

/// <summary>A hypervisor host: its br-tun datapath id and its underlay tunnel endpoint.</summary>
/// <param name="DatapathId">br-tun's datapath id; null for a host managed over OVSDB until it is learned.</param>
/// <param name="SystemId">The host's <c>Open_vSwitch.external_ids:system-id</c>, when it is managed over OVSDB.</param>
public sealed record HostInfo(string Id, string Name, ulong? DatapathId, System.Net.IPAddress TunnelIp, string? SystemId = null)
{
    /// <summary>The MTU of this host's underlay, when the operator set one; null: <c>Plumbing:UnderlayMtu</c>.</summary>
    public int? UnderlayMtu { get; init; }
}

/// <summary>A tenant VM/container port on a host's br-int.</summary>
public sealed record PortInfo(string Id, string NetworkId, string HostId, ulong Mac, System.Net.IPAddress? Ip, string Name)
{
    /// <summary>The port's IPv6 address, optional (answered by br-tun's Neighbour Discovery responder).</summary>
    public System.Net.IPAddress? Ipv6 { get; init; }
}

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
