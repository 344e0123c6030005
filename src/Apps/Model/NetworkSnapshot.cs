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
/// The store publishes a new one after every committed change.
/// </summary>
/// <remarks>
/// A snapshot made with <see cref="Deferred"/> knows its version at once and builds its arrays on first
/// use, once, from the immutable state it was given: the store publishes one per write in O(1), and only
/// the snapshots somebody reads (a reconciler after its debounce, a REST request) pay for their arrays.
/// Either way a snapshot never changes once made. Equality compares the version and the arrays' identity,
/// as a positional record over <see cref="ImmutableArray{T}"/> would.
/// </remarks>
public sealed record NetworkSnapshot
{
    private Lazy<Contents> _contents;

    public NetworkSnapshot(
        long Version,
        ImmutableArray<NetworkInfo> Networks,
        ImmutableArray<HostInfo> Hosts,
        ImmutableArray<PortInfo> Ports,
        ImmutableArray<LocalVlan> LocalVlans)
    {
        this.Version = Version;
        _contents = Built(new Contents(Networks, Hosts, Ports, LocalVlans, []));
    }

    private NetworkSnapshot(long version, Func<Contents> build)
    {
        Version = version;
        _contents = new Lazy<Contents>(build, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static NetworkSnapshot Empty { get; } = new(0, [], [], [], []);

    public long Version { get; init; }

    public ImmutableArray<NetworkInfo> Networks
    {
        get => _contents.Value.Networks;
        init => _contents = Built(_contents.Value with { Networks = value });
    }

    public ImmutableArray<HostInfo> Hosts
    {
        get => _contents.Value.Hosts;
        init => _contents = Built(_contents.Value with { Hosts = value });
    }

    public ImmutableArray<PortInfo> Ports
    {
        get => _contents.Value.Ports;
        init => _contents = Built(_contents.Value with { Ports = value });
    }

    public ImmutableArray<LocalVlan> LocalVlans
    {
        get => _contents.Value.LocalVlans;
        init => _contents = Built(_contents.Value with { LocalVlans = value });
    }

    /// <summary>Operator-declared tunnel ports whose names do not say where they lead (empty by default).</summary>
    public ImmutableArray<TunnelPortDeclaration> TunnelPorts
    {
        get => _contents.Value.TunnelPorts;
        init => _contents = Built(_contents.Value with { TunnelPorts = value.IsDefault ? [] : value });
    }

    /// <summary>True once the arrays exist (always for a snapshot made with the constructor).</summary>
    public bool IsBuilt => _contents.IsValueCreated;

    /// <summary>
    /// A snapshot of <paramref name="version"/> whose arrays <paramref name="build"/> makes on first use,
    /// at most once, on whichever thread reads first. <paramref name="build"/> must read immutable data only.
    /// </summary>
    public static NetworkSnapshot Deferred(long version, Func<NetworkSnapshot> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return new NetworkSnapshot(version, () => build()._contents.Value);
    }

    public bool Equals(NetworkSnapshot? other) =>
        other is not null && Version == other.Version && _contents.Value.Equals(other._contents.Value);

    public override int GetHashCode() => HashCode.Combine(Version, _contents.Value);

    private static Lazy<Contents> Built(Contents contents) => new(contents);

    private sealed record Contents(
        ImmutableArray<NetworkInfo> Networks,
        ImmutableArray<HostInfo> Hosts,
        ImmutableArray<PortInfo> Ports,
        ImmutableArray<LocalVlan> LocalVlans,
        ImmutableArray<TunnelPortDeclaration> TunnelPorts);
}
