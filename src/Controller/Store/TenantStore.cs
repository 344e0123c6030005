using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Apps.Model;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace Controller.Store;

/// <summary>
/// The tenant store: tenants, networks, hosts, ports, tunnel-port declarations and the per-host local VLANs,
/// kept in one LiteDB file.
/// </summary>
/// <remarks>
/// <para>Writes are serialised by one lock and each runs inside one LiteDB transaction: a write that throws
/// rolls back and leaves nothing behind. Reads go straight to LiteDB, which shows only committed data.</para>
/// <para>After every committed write that changes networks, hosts, ports, tunnel ports or local VLANs the store builds the
/// next <see cref="NetworkSnapshot"/> (version + 1) and publishes it three ways, in this order, still under the
/// write lock so that every observer sees versions in order:
/// <see cref="Current"/> is replaced; every reader from <see cref="Subscribe"/> receives it (a reader holds at
/// most one pending snapshot, older ones are dropped: it always ends on the latest); then <see cref="Changed"/>
/// is raised synchronously (handlers must be quick and must not write to the store).
/// Tenant writes do not publish: tenants are not part of the snapshot.
/// Version 1 is the state loaded when the store opens.</para>
/// </remarks>
public sealed class TenantStore : IDisposable
{
    public const uint MaxSegmentId = 0xFF_FFFF;
    public const int MaxNameLength = 100;

    /// <summary>Longest OVS interface name: Linux IFNAMSIZ (16) less the terminating NUL.</summary>
    public const int MaxPortNameLength = 15;
    private const ulong MaxMac = 0xFFFF_FFFF_FFFF;

    private readonly LiteDatabase _db;
    private readonly ILogger _logger;
    private readonly ILiteCollection<TenantDocument> _tenants;
    private readonly ILiteCollection<NetworkDocument> _networks;
    private readonly ILiteCollection<HostDocument> _hosts;
    private readonly ILiteCollection<PortDocument> _ports;
    private readonly ILiteCollection<TunnelPortDocument> _tunnelPorts;
    private readonly ILiteCollection<LocalVlanDocument> _vlans;
    private readonly ILiteCollection<VlanPoolDocument> _pools;
    private readonly Lock _gate = new();
    private readonly List<Channel<NetworkSnapshot>> _subscribers = [];
    private volatile NetworkSnapshot _current;
    private bool _disposed;

    private TenantStore(LiteDatabase db, ILogger? logger)
    {
        _db = db;
        _logger = logger ?? NullLogger.Instance;
        _tenants = db.GetCollection<TenantDocument>("tenants");
        _networks = db.GetCollection<NetworkDocument>("networks");
        _hosts = db.GetCollection<HostDocument>("hosts");
        _ports = db.GetCollection<PortDocument>("ports");
        _tunnelPorts = db.GetCollection<TunnelPortDocument>("tunnelports");
        _vlans = db.GetCollection<LocalVlanDocument>("localvlans");
        _pools = db.GetCollection<VlanPoolDocument>("vlanpools");

        // Unique indexes are the last line of defence; every write checks first so it can name the field.
        _tenants.EnsureIndex(x => x.Name, unique: true);
        _networks.EnsureIndex(x => x.SegmentId, unique: true);
        _networks.EnsureIndex(x => x.TenantId);
        _networks.EnsureIndex(x => x.TenantAndName, unique: true);
        _hosts.EnsureIndex(x => x.Name, unique: true);
        // Datapath and system ids are optional: index the document id where one is absent, so that the
        // unique index holds between set values only (LiteDB counts two nulls as a duplicate key).
        // Stores written before they were optional carry a plain "DatapathId" index: replace it.
        _hosts.DropIndex("DatapathId");
        _hosts.EnsureIndex("DatapathKey", "COALESCE($.DatapathId, $._id)", unique: true);
        _hosts.EnsureIndex("SystemKey", "COALESCE($.SystemId, $._id)", unique: true);
        _hosts.EnsureIndex(x => x.TunnelIp, unique: true);
        _ports.EnsureIndex(x => x.NetworkId);
        _ports.EnsureIndex(x => x.HostId);
        _ports.EnsureIndex(x => x.NetworkAndMac, unique: true);
        _tunnelPorts.EnsureIndex(x => x.HostId);
        _tunnelPorts.EnsureIndex(x => x.RemoteHostId);
        _tunnelPorts.EnsureIndex(x => x.HostAndPortName, unique: true);
        _vlans.EnsureIndex(x => x.HostId);
        _vlans.EnsureIndex(x => x.NetworkId);

        _current = BuildSnapshot(1);
    }

    /// <summary>
    /// Raised after each published snapshot, synchronously, under the write lock: keep handlers quick, never
    /// write to the store from one. A handler that throws is logged and does not affect the write or other handlers.
    /// </summary>
    public event Action<NetworkSnapshot>? Changed;

    /// <summary>The latest published snapshot.</summary>
    public NetworkSnapshot Current => _current;

    /// <summary>Test hook: called at named points inside write transactions; throwing there forces a rollback.</summary>
    internal Action<string>? FaultPoint { get; set; }

    /// <summary>Opens (or creates) the LiteDB file at <paramref name="path"/>, creating its directory.</summary>
    public static TenantStore Open(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var cs = new ConnectionString { Filename = full, Connection = ConnectionType.Direct };
        return new TenantStore(new LiteDatabase(cs, CreateMapper()), logger);
    }

    /// <summary>Opens a store over a stream (a <see cref="MemoryStream"/> for tests). The stream stays the caller's.</summary>
    public static TenantStore Open(Stream stream, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new TenantStore(new LiteDatabase(stream, CreateMapper()), logger);
    }

    /// <summary>
    /// A reader that receives the current snapshot at once and then every published one. It keeps only the
    /// latest unread snapshot. Cancelling <paramref name="cancellationToken"/> (or disposing the store) completes it.
    /// </summary>
    public ChannelReader<NetworkSnapshot> Subscribe(CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<NetworkSnapshot>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = false,
            SingleWriter = true,
        });
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            channel.Writer.TryWrite(_current);
            _subscribers.Add(channel);
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    _subscribers.Remove(channel);
                }

                channel.Writer.TryComplete();
            });
        }

        return channel.Reader;
    }

    // ---------------------------------------------------------------- tenants

    public IReadOnlyList<TenantInfo> ListTenants() => [.. _tenants.FindAll().Select(ToInfo)];

    public TenantInfo? FindTenant(string id) => _tenants.FindById(id) is { } d ? ToInfo(d) : null;

    public TenantInfo CreateTenant(string name) => Write(
        () =>
        {
            var n = CheckName("name", name);
            if (_tenants.Exists(x => x.Name == n))
            {
                throw new StoreConflictException($"A tenant named '{n}' already exists.", "name");
            }

            var doc = new TenantDocument { Id = NewId(), Name = n };
            _tenants.Insert(doc);
            return ToInfo(doc);
        },
        apply: null);

    public TenantInfo RenameTenant(string id, string name) => Write(
        () =>
        {
            var doc = _tenants.FindById(id) ?? throw new EntityNotFoundException("tenant", id);
            var n = CheckName("name", name);
            if (_tenants.Exists(x => x.Name == n && x.Id != id))
            {
                throw new StoreConflictException($"A tenant named '{n}' already exists.", "name");
            }

            doc.Name = n;
            _tenants.Update(doc);
            return ToInfo(doc);
        },
        apply: null);

    /// <summary>Deletes a tenant; refused with <see cref="DeleteRefusedException"/> while it has networks.</summary>
    public void DeleteTenant(string id) => Write(
        () =>
        {
            _ = _tenants.FindById(id) ?? throw new EntityNotFoundException("tenant", id);
            var count = _networks.Count(x => x.TenantId == id);
            if (count > 0)
            {
                throw new DeleteRefusedException($"Tenant '{id}' still has {count} network(s); delete them first.");
            }

            _tenants.Delete(id);
            return 0;
        },
        apply: null);

    // ---------------------------------------------------------------- networks

    public IReadOnlyList<NetworkDetails> ListNetworks(string? tenantId = null) =>
        [.. (tenantId is null ? _networks.FindAll() : _networks.Find(x => x.TenantId == tenantId)).Select(ToDetails)];

    public NetworkDetails? FindNetwork(string id) => _networks.FindById(id) is { } d ? ToDetails(d) : null;

    /// <summary>
    /// Creates a network. Its segment id is <see cref="NewNetwork.SegmentId"/> when given (1..16777215, unique,
    /// else 400/409), otherwise the lowest free one. Network names are unique within a tenant.
    /// </summary>
    public NetworkDetails CreateNetwork(NewNetwork spec) => Write(
        () =>
        {
            ArgumentNullException.ThrowIfNull(spec);
            var errors = new Dictionary<string, string[]>();
            var name = TryName("name", spec.Name, errors);
            if (spec.SegmentId is { } s && (s < 1 || s > MaxSegmentId))
            {
                errors["segmentId"] = [$"segmentId must be between 1 and {MaxSegmentId}; got {s}."];
            }

            if (!Enum.IsDefined(spec.TunnelType))
            {
                errors["tunnelType"] = ["tunnelType must be vxlan or gre."];
            }

            var cidr = spec.Cidr is null ? null : TryCidr(spec.Cidr, errors);
            ThrowIfAny(errors);
            if (_tenants.FindById(spec.TenantId) is null)
            {
                throw new UnknownReferenceException("tenantId", "tenant", spec.TenantId);
            }

            var tenantAndName = spec.TenantId + "/" + name;
            if (_networks.Exists(x => x.TenantAndName == tenantAndName))
            {
                throw new StoreConflictException($"Tenant '{spec.TenantId}' already has a network named '{name}'.", "name");
            }

            uint segment;
            if (spec.SegmentId is { } wanted)
            {
                var asInt = (int)wanted;
                if (_networks.FindOne(x => x.SegmentId == asInt) is { } other)
                {
                    throw new StoreConflictException($"Segment id {wanted} is already used by network '{other.Id}'.", "segmentId");
                }

                segment = wanted;
            }
            else
            {
                segment = LowestFreeSegment();
            }

            var doc = new NetworkDocument
            {
                Id = NewId(),
                TenantId = spec.TenantId,
                Name = name,
                TunnelType = spec.TunnelType.ToString(),
                SegmentId = (int)segment,
                Cidr = cidr,
                TenantAndName = tenantAndName,
            };
            _networks.Insert(doc);
            return ToDetails(doc);
        },
        (snap, created) => snap with { Networks = snap.Networks.Add(created.Network) });

    public NetworkDetails RenameNetwork(string id, string name) => Write(
        () =>
        {
            var doc = _networks.FindById(id) ?? throw new EntityNotFoundException("network", id);
            var n = CheckName("name", name);
            var tenantAndName = doc.TenantId + "/" + n;
            if (_networks.Exists(x => x.TenantAndName == tenantAndName && x.Id != id))
            {
                throw new StoreConflictException($"Tenant '{doc.TenantId}' already has a network named '{n}'.", "name");
            }

            doc.Name = n;
            doc.TenantAndName = tenantAndName;
            _networks.Update(doc);
            return ToDetails(doc);
        },
        (snap, updated) => snap with { Networks = Replace(snap.Networks, x => x.Id == id, updated.Network) });

    /// <summary>Deletes a network; refused with <see cref="DeleteRefusedException"/> while it has ports.</summary>
    public void DeleteNetwork(string id) => Write(
        () =>
        {
            _ = _networks.FindById(id) ?? throw new EntityNotFoundException("network", id);
            var count = _ports.Count(x => x.NetworkId == id);
            if (count > 0)
            {
                throw new DeleteRefusedException($"Network '{id}' still has {count} port(s); delete them first.");
            }

            _networks.Delete(id);
            return 0;
        },
        (snap, _) => snap with { Networks = Remove(snap.Networks, x => x.Id == id) });

    // ---------------------------------------------------------------- hosts

    public IReadOnlyList<HostInfo> ListHosts() => [.. _hosts.FindAll().Select(ToInfo)];

    public HostInfo? FindHost(string id) => _hosts.FindById(id) is { } d ? ToInfo(d) : null;

    public HostInfo? FindHostByDatapathId(ulong datapathId)
    {
        var key = unchecked((long)datapathId);
        return _hosts.FindOne(x => x.DatapathId == key) is { } d ? ToInfo(d) : null;
    }

    /// <summary>The host whose <c>Open_vSwitch.external_ids:system-id</c> is <paramref name="systemId"/>, if any.</summary>
    public HostInfo? FindHostBySystemId(string systemId)
    {
        ArgumentNullException.ThrowIfNull(systemId);
        return _hosts.FindOne(x => x.SystemId == systemId) is { } d ? ToInfo(d) : null;
    }

    /// <summary>
    /// Creates a host. Name, datapath id, system id and tunnel IPv4 are each unique; at least one of datapath
    /// id and system id is required (a host managed over OVSDB has its datapath id learned later).
    /// </summary>
    public HostInfo CreateHost(NewHost spec) => Write(
        () =>
        {
            ArgumentNullException.ThrowIfNull(spec);
            var errors = new Dictionary<string, string[]>();
            var name = TryName("name", spec.Name, errors);
            TryTunnelIp(spec.TunnelIp, errors);
            var systemId = spec.SystemId is null ? null : TrySystemId(spec.SystemId, errors);
            if (spec.DatapathId is null && spec.SystemId is null)
            {
                errors["datapathId"] = ["datapathId is required unless systemId is given."];
            }

            ThrowIfAny(errors);
            var doc = new HostDocument
            {
                Id = NewId(),
                Name = name,
                DatapathId = spec.DatapathId is { } dpid ? unchecked((long)dpid) : null,
                TunnelIp = spec.TunnelIp.ToString(),
                SystemId = systemId,
            };
            CheckHostUnique(doc);
            _hosts.Insert(doc);
            return ToInfo(doc);
        },
        (snap, created) => snap with { Hosts = snap.Hosts.Add(created) });

    /// <summary>Changes a host's name, datapath id or tunnel IP (e.g. to fix a wrong underlay address).</summary>
    public HostInfo UpdateHost(string id, HostPatch patch) => Write(
        () =>
        {
            ArgumentNullException.ThrowIfNull(patch);
            var doc = _hosts.FindById(id) ?? throw new EntityNotFoundException("host", id);
            var errors = new Dictionary<string, string[]>();
            var name = patch.Name is null ? doc.Name : TryName("name", patch.Name, errors);
            if (patch.TunnelIp is not null)
            {
                TryTunnelIp(patch.TunnelIp, errors);
            }

            var systemId = patch.SystemId is null ? doc.SystemId : TrySystemId(patch.SystemId, errors);
            ThrowIfAny(errors);
            doc.Name = name;
            doc.SystemId = systemId;
            if (patch.DatapathId is { } dpid)
            {
                doc.DatapathId = unchecked((long)dpid);
            }

            if (patch.TunnelIp is not null)
            {
                doc.TunnelIp = patch.TunnelIp.ToString();
            }

            CheckHostUnique(doc);
            _hosts.Update(doc);
            return ToInfo(doc);
        },
        (snap, updated) => snap with { Hosts = Replace(snap.Hosts, x => x.Id == id, updated) });

    /// <summary>
    /// Auto-registration of a host that connected over OVSDB: creates it with system id
    /// <paramref name="systemId"/>, tunnel IP <paramref name="encapIp"/> and no datapath id (learned later).
    /// Its name is <paramref name="hostname"/> (the system id when blank), suffixed <c>-2</c>, <c>-3</c>, ...
    /// when another host has it. A system id or tunnel IP that another host holds is a conflict, as for
    /// <see cref="CreateHost"/>.
    /// </summary>
    public HostInfo RegisterHost(string systemId, string? hostname, IPAddress encapIp) => Write(
        () =>
        {
            var errors = new Dictionary<string, string[]>();
            var sid = TrySystemId(systemId, errors);
            TryTunnelIp(encapIp, errors);
            ThrowIfAny(errors);
            var doc = new HostDocument
            {
                Id = NewId(),
                Name = FreeHostName(string.IsNullOrWhiteSpace(hostname) ? sid : hostname.Trim()),
                TunnelIp = encapIp.ToString(),
                SystemId = sid,
            };
            CheckHostUnique(doc);
            _hosts.Insert(doc);
            return ToInfo(doc);
        },
        (snap, created) => snap with { Hosts = snap.Hosts.Add(created) });

    /// <summary>
    /// Records the datapath id learned for a host managed over OVSDB (its br-tun's <c>datapath_id</c>).
    /// Nothing is written or published when the host already has it; another host holding it is a conflict.
    /// </summary>
    public HostInfo SetLearnedDatapathId(string hostId, ulong datapathId)
    {
        lock (_gate)
        {
            var current = _hosts.FindById(hostId) ?? throw new EntityNotFoundException("host", hostId);
            if (current.DatapathId is { } have && unchecked((ulong)have) == datapathId)
            {
                return ToInfo(current);
            }

            return Write(
                () =>
                {
                    var doc = _hosts.FindById(hostId) ?? throw new EntityNotFoundException("host", hostId);
                    doc.DatapathId = unchecked((long)datapathId);
                    CheckHostUnique(doc);
                    _hosts.Update(doc);
                    return ToInfo(doc);
                },
                (snap, updated) => snap with { Hosts = Replace(snap.Hosts, x => x.Id == hostId, updated) });
        }
    }

    /// <summary>
    /// Deletes a host; refused with <see cref="DeleteRefusedException"/> while it has ports or is either end of
    /// a tunnel-port declaration.
    /// </summary>
    public void DeleteHost(string id) => Write(
        () =>
        {
            _ = _hosts.FindById(id) ?? throw new EntityNotFoundException("host", id);
            var count = _ports.Count(x => x.HostId == id);
            if (count > 0)
            {
                throw new DeleteRefusedException($"Host '{id}' still has {count} port(s); delete them first.");
            }

            var tunnels = _tunnelPorts.Count(x => x.HostId == id || x.RemoteHostId == id);
            if (tunnels > 0)
            {
                throw new DeleteRefusedException(
                    $"Host '{id}' is an end of {tunnels} tunnel-port declaration(s); delete them first.");
            }

            _hosts.Delete(id);
            _pools.Delete(id);
            return 0;
        },
        (snap, _) => snap with { Hosts = Remove(snap.Hosts, x => x.Id == id) });

    // ---------------------------------------------------------------- ports

    public IReadOnlyList<PortDetails> ListPorts(string? networkId = null, string? hostId = null)
    {
        var docs = (networkId, hostId) switch
        {
            (null, null) => _ports.FindAll(),
            (not null, null) => _ports.Find(x => x.NetworkId == networkId),
            (null, not null) => _ports.Find(x => x.HostId == hostId),
            _ => _ports.Find(x => x.NetworkId == networkId && x.HostId == hostId),
        };
        var vlans = _vlans.FindAll().ToDictionary(v => v.Id, v => (ushort)v.Vlan);
        return [.. docs.Select(d => new PortDetails(ToInfo(d), vlans.GetValueOrDefault(LocalVlanDocument.KeyOf(d.HostId, d.NetworkId))))];
    }

    public PortDetails? FindPort(string id)
    {
        if (_ports.FindById(id) is not { } d)
        {
            return null;
        }

        var vlan = _vlans.FindById(LocalVlanDocument.KeyOf(d.HostId, d.NetworkId));
        return new PortDetails(ToInfo(d), (ushort)(vlan?.Vlan ?? 0));
    }

    /// <summary>
    /// Creates a port. The first port of a network on a host allocates that (host, network) its local VLAN,
    /// the lowest free in 1..4094 (<see cref="VlanPoolExhaustedException"/> when none is left). MACs are
    /// unique within a network; an IPv4 address, when given, is unique within the network and inside its CIDR.
    /// </summary>
    public PortDetails CreatePort(NewPort spec)
    {
        var created = false;
        return Write(
            () =>
            {
                ArgumentNullException.ThrowIfNull(spec);
                var errors = new Dictionary<string, string[]>();
                var name = TryOptionalName("name", spec.Name, errors);
                TryMac(spec.Mac, errors);
                ThrowIfAny(errors);
                var network = _networks.FindById(spec.NetworkId) ?? throw new UnknownReferenceException("networkId", "network", spec.NetworkId);
                _ = _hosts.FindById(spec.HostId) ?? throw new UnknownReferenceException("hostId", "host", spec.HostId);
                CheckPortIp(network, spec.Ip, portId: null);
                var mac = unchecked((long)spec.Mac);
                var networkAndMac = PortDocument.KeyOf(spec.NetworkId, mac);
                if (_ports.FindOne(x => x.NetworkAndMac == networkAndMac) is { } clash)
                {
                    throw new StoreConflictException(
                        $"MAC {MacText(spec.Mac)} is already used by port '{clash.Id}' in network '{spec.NetworkId}'.", "mac");
                }

                var key = LocalVlanDocument.KeyOf(spec.HostId, spec.NetworkId);
                var binding = _vlans.FindById(key);
                created = binding is null;
                if (binding is null)
                {
                    var pool = _pools.FindById(spec.HostId) ?? new VlanPoolDocument { Id = spec.HostId, Bits = new byte[VlanPool.Size] };
                    var vlan = VlanPool.Allocate(pool.Bits) ?? throw new VlanPoolExhaustedException(spec.HostId);
                    _pools.Upsert(pool);
                    binding = new LocalVlanDocument { Id = key, HostId = spec.HostId, NetworkId = spec.NetworkId, Vlan = vlan };
                    _vlans.Insert(binding);
                }

                Fault("CreatePort:VlanBound");
                var doc = new PortDocument
                {
                    Id = NewId(),
                    NetworkId = spec.NetworkId,
                    HostId = spec.HostId,
                    Mac = mac,
                    Ip = spec.Ip?.ToString(),
                    Name = name,
                    NetworkAndMac = networkAndMac,
                };
                _ports.Insert(doc);
                Fault("CreatePort:Inserted");
                return new PortDetails(ToInfo(doc), (ushort)binding.Vlan);
            },
            (snap, port) => snap with
            {
                Ports = snap.Ports.Add(port.Port),
                LocalVlans = created ? snap.LocalVlans.Add(new LocalVlan(port.Port.HostId, port.Port.NetworkId, port.Vlan)) : snap.LocalVlans,
            });
    }

    /// <summary>Changes a port's name or IPv4 address.</summary>
    public PortDetails UpdatePort(string id, PortPatch patch) => Write(
        () =>
        {
            ArgumentNullException.ThrowIfNull(patch);
            var doc = _ports.FindById(id) ?? throw new EntityNotFoundException("port", id);
            var errors = new Dictionary<string, string[]>();
            var name = patch.Name is null ? doc.Name : TryOptionalName("name", patch.Name, errors);
            ThrowIfAny(errors);
            if (patch.Ip is not null)
            {
                var network = _networks.FindById(doc.NetworkId) ?? throw new EntityNotFoundException("network", doc.NetworkId);
                CheckPortIp(network, patch.Ip, id);
                doc.Ip = patch.Ip.ToString();
            }

            doc.Name = name;
            _ports.Update(doc);
            var vlan = _vlans.FindById(LocalVlanDocument.KeyOf(doc.HostId, doc.NetworkId));
            return new PortDetails(ToInfo(doc), (ushort)(vlan?.Vlan ?? 0));
        },
        (snap, port) => snap with { Ports = Replace(snap.Ports, x => x.Id == id, port.Port) });

    /// <summary>Deletes a port; the last port of a network on a host frees that host's local VLAN for it.</summary>
    public void DeletePort(string id)
    {
        var freed = false;
        PortDocument? deleted = null;
        Write(
            () =>
            {
                deleted = _ports.FindById(id) ?? throw new EntityNotFoundException("port", id);
                _ports.Delete(id);
                var hostId = deleted.HostId;
                var networkId = deleted.NetworkId;
                if (!_ports.Exists(x => x.HostId == hostId && x.NetworkId == networkId))
                {
                    var key = LocalVlanDocument.KeyOf(hostId, networkId);
                    if (_vlans.FindById(key) is { } binding)
                    {
                        _vlans.Delete(key);
                        if (_pools.FindById(hostId) is { } pool)
                        {
                            VlanPool.Free(pool.Bits, binding.Vlan);
                            _pools.Update(pool);
                        }

                        freed = true;
                    }
                }

                Fault("DeletePort:Deleted");
                return 0;
            },
            (snap, _) => snap with
            {
                Ports = Remove(snap.Ports, x => x.Id == id),
                LocalVlans = freed
                    ? Remove(snap.LocalVlans, v => v.HostId == deleted!.HostId && v.NetworkId == deleted.NetworkId)
                    : snap.LocalVlans,
            });
    }

    // ---------------------------------------------------------------- tunnel ports

    public IReadOnlyList<TunnelPortInfo> ListTunnelPorts(string? hostId = null) =>
        [.. (hostId is null ? _tunnelPorts.FindAll() : _tunnelPorts.Find(x => x.HostId == hostId)).Select(ToInfo)];

    public TunnelPortInfo? FindTunnelPort(string id) => _tunnelPorts.FindById(id) is { } d ? ToInfo(d) : null;

    /// <summary>
    /// Declares that br-tun port <see cref="NewTunnelPort.PortName"/> on host <see cref="NewTunnelPort.HostId"/>
    /// is a tunnel to <see cref="NewTunnelPort.RemoteHostId"/>, for ports whose names do not follow the Neutron
    /// convention. Both hosts must exist and differ; the port name (a Linux interface name, 1..15 characters)
    /// is unique per host.
    /// </summary>
    public TunnelPortInfo CreateTunnelPort(NewTunnelPort spec) => Write(
        () =>
        {
            ArgumentNullException.ThrowIfNull(spec);
            var errors = new Dictionary<string, string[]>();
            TryPortName(spec.PortName, errors);
            if (!Enum.IsDefined(spec.TunnelType))
            {
                errors["tunnelType"] = ["tunnelType must be vxlan or gre."];
            }

            if (spec.HostId == spec.RemoteHostId)
            {
                errors["remoteHostId"] = ["remoteHostId must differ from hostId: a tunnel leads to another host."];
            }

            ThrowIfAny(errors);
            _ = _hosts.FindById(spec.HostId) ?? throw new UnknownReferenceException("hostId", "host", spec.HostId);
            _ = _hosts.FindById(spec.RemoteHostId) ?? throw new UnknownReferenceException("remoteHostId", "host", spec.RemoteHostId);
            var key = TunnelPortDocument.KeyOf(spec.HostId, spec.PortName);
            if (_tunnelPorts.FindOne(x => x.HostAndPortName == key) is { } clash)
            {
                throw new StoreConflictException(
                    $"Host '{spec.HostId}' already has a tunnel port named '{spec.PortName}' (declaration '{clash.Id}').", "portName");
            }

            var doc = new TunnelPortDocument
            {
                Id = NewId(),
                HostId = spec.HostId,
                PortName = spec.PortName,
                RemoteHostId = spec.RemoteHostId,
                TunnelType = spec.TunnelType.ToString(),
                HostAndPortName = key,
            };
            _tunnelPorts.Insert(doc);
            Fault("CreateTunnelPort:Inserted");
            return ToInfo(doc);
        },
        (snap, created) => snap with { TunnelPorts = snap.TunnelPorts.Add(created.ToDeclaration()) });

    public void DeleteTunnelPort(string id)
    {
        TunnelPortDocument? deleted = null;
        Write(
            () =>
            {
                deleted = _tunnelPorts.FindById(id) ?? throw new EntityNotFoundException("tunnel port", id);
                _tunnelPorts.Delete(id);
                Fault("DeleteTunnelPort:Deleted");
                return 0;
            },
            (snap, _) => snap with
            {
                TunnelPorts = Remove(snap.TunnelPorts, d => d.OnHostId == deleted!.HostId && d.PortName == deleted.PortName),
            });
    }

    // ---------------------------------------------------------------- local VLANs

    public IReadOnlyList<LocalVlan> ListLocalVlans() => [.. _vlans.FindAll().Select(ToInfo)];

    /// <summary>The local VLAN of (host, network), or null when the host has no port of that network.</summary>
    public ushort? FindLocalVlan(string hostId, string networkId) =>
        _vlans.FindById(LocalVlanDocument.KeyOf(hostId, networkId)) is { } v ? (ushort)v.Vlan : null;

    /// <summary>A snapshot read afresh from the database (the published one is built incrementally).</summary>
    internal NetworkSnapshot BuildSnapshot(long version) => new(
        version,
        [.. _networks.FindAll().Select(d => ToDetails(d).Network)],
        [.. _hosts.FindAll().Select(ToInfo)],
        [.. _ports.FindAll().Select(ToInfo)],
        [.. _vlans.FindAll().Select(ToInfo)])
    {
        TunnelPorts = [.. _tunnelPorts.FindAll().Select(d => ToInfo(d).ToDeclaration())],
    };

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var c in _subscribers)
            {
                c.Writer.TryComplete();
            }

            _subscribers.Clear();
            _db.Dispose();
        }
    }

    // ---------------------------------------------------------------- machinery

    private T Write<T>(Func<T> body, Func<NetworkSnapshot, T, NetworkSnapshot>? apply)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            }

            T result;
            try
            {
                result = body();
                _db.Commit();
            }
            catch (LiteException ex) when (ex.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                _db.Rollback();
                throw new StoreConflictException("The change clashes with a unique value already stored: " + ex.Message);
            }
            catch
            {
                _db.Rollback();
                throw;
            }

            if (apply is not null)
            {
                var next = apply(_current, result) with { Version = _current.Version + 1 };
                _current = next;
                foreach (var c in _subscribers)
                {
                    c.Writer.TryWrite(next);
                }

                TenantStoreLog.Published(_logger, next.Version, next.Networks.Length, next.Hosts.Length, next.Ports.Length, next.LocalVlans.Length);
                RaiseChanged(next);
            }

            return result;
        }
    }

    /// <summary>
    /// Calls each handler on its own: the write is already committed, so a failing handler is logged and must
    /// neither turn the request into an error nor keep later handlers from hearing about the change.
    /// </summary>
    private void RaiseChanged(NetworkSnapshot next)
    {
        if (Changed is not { } changed)
        {
            return;
        }

        foreach (var handler in changed.GetInvocationList().Cast<Action<NetworkSnapshot>>())
        {
            try
            {
                handler(next);
            }
#pragma warning disable CA1031 // a subscriber's bug must not undo or fail a committed write
            catch (Exception ex)
#pragma warning restore CA1031
            {
                TenantStoreLog.HandlerFailed(_logger, ex, next.Version);
            }
        }
    }

    private void Fault(string point) => FaultPoint?.Invoke(point);

    private uint LowestFreeSegment()
    {
        var count = _networks.Count();
        if (count == 0)
        {
            return 1;
        }

        // Segment ids are unique and >= 1, so max == count means 1..count are all taken: no scan needed.
        var max = _networks.Max(x => x.SegmentId);
        if (max == count && (uint)max < MaxSegmentId)
        {
            return (uint)max + 1;
        }

        uint expected = 1;
        foreach (var s in _networks.Query().OrderBy(x => x.SegmentId).Select(x => x.SegmentId).ToEnumerable())
        {
            if ((uint)s != expected)
            {
                return expected;
            }

            expected++;
        }

        return expected <= MaxSegmentId ? expected : throw new SegmentPoolExhaustedException();
    }

    private void CheckHostUnique(HostDocument doc)
    {
        var id = doc.Id;
        var name = doc.Name;
        var dpid = doc.DatapathId;
        var ip = doc.TunnelIp;
        if (_hosts.FindOne(x => x.Name == name && x.Id != id) is { } a)
        {
            throw new StoreConflictException($"Host '{a.Id}' already has the name '{name}'.", "name");
        }

        if (dpid is not null && _hosts.FindOne(x => x.DatapathId == dpid && x.Id != id) is { } b)
        {
            throw new StoreConflictException($"Host '{b.Id}' already has datapath id {unchecked((ulong)dpid.Value):x16}.", "datapathId");
        }

        var sid = doc.SystemId;
        if (sid is not null && _hosts.FindOne(x => x.SystemId == sid && x.Id != id) is { } s)
        {
            throw new StoreConflictException($"Host '{s.Id}' already has system id '{sid}'.", "systemId");
        }

        if (_hosts.FindOne(x => x.TunnelIp == ip && x.Id != id) is { } c)
        {
            throw new StoreConflictException($"Host '{c.Id}' already has tunnel IP {ip}.", "tunnelIp");
        }
    }

    private void CheckPortIp(NetworkDocument network, IPAddress? ip, string? portId)
    {
        if (ip is null)
        {
            return;
        }

        if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new StoreValidationException("ip", $"ip must be an IPv4 address; got {ip}.");
        }

        if (network.Cidr is not null && !IPNetwork.Parse(network.Cidr).Contains(ip))
        {
            throw new StoreValidationException("ip", $"ip {ip} is outside the network's prefix {network.Cidr}.");
        }

        var text = ip.ToString();
        var networkId = network.Id;
        if (_ports.FindOne(x => x.NetworkId == networkId && x.Ip == text && x.Id != portId) is { } clash)
        {
            throw new StoreConflictException($"IP {text} is already used by port '{clash.Id}' in network '{networkId}'.", "ip");
        }
    }

    private static string CheckName(string field, string? name)
    {
        var errors = new Dictionary<string, string[]>();
        var n = TryName(field, name, errors);
        ThrowIfAny(errors);
        return n;
    }

    private static string TryName(string field, string? name, Dictionary<string, string[]> errors)
    {
        var n = name?.Trim() ?? "";
        if (n.Length == 0)
        {
            errors[field] = [$"{field} is required and must not be blank."];
        }
        else if (n.Length > MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {MaxNameLength} characters."];
        }

        return n;
    }

    /// <summary>A system id as OVS and the REST layer accept it: 1..100 characters, no control characters, not blank.</summary>
    private static string TrySystemId(string? systemId, Dictionary<string, string[]> errors)
    {
        var v = systemId ?? "";
        if (string.IsNullOrWhiteSpace(v))
        {
            errors["systemId"] = ["systemId must not be empty or blank."];
        }
        else if (v.Length > MaxNameLength)
        {
            errors["systemId"] = [$"systemId must be at most {MaxNameLength} characters."];
        }
        else if (v.Any(char.IsControl))
        {
            errors["systemId"] = ["systemId must not contain control characters."];
        }
        else if (v.Trim().Length != v.Length)
        {
            errors["systemId"] = ["systemId must not start or end with white space."];
        }

        return v;
    }

    private string FreeHostName(string wanted)
    {
        var baseName = wanted.Length > MaxNameLength ? wanted[..MaxNameLength] : wanted;
        var name = baseName;
        for (var n = 2; _hosts.Exists(x => x.Name == name); n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            name = (baseName.Length + suffix.Length > MaxNameLength ? baseName[..(MaxNameLength - suffix.Length)] : baseName) + suffix;
        }

        return name;
    }

    private static string TryOptionalName(string field, string? name, Dictionary<string, string[]> errors)
    {
        var n = name?.Trim() ?? "";
        if (n.Length > MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {MaxNameLength} characters."];
        }

        return n;
    }

    private static void TryTunnelIp(IPAddress? ip, Dictionary<string, string[]> errors)
    {
        if (ip is null)
        {
            errors["tunnelIp"] = ["tunnelIp is required."];
        }
        else if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            errors["tunnelIp"] = [$"tunnelIp must be an IPv4 address; got {ip}."];
        }
        else if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.Broadcast) || (ip.GetAddressBytes()[0] & 0xF0) == 0xE0)
        {
            errors["tunnelIp"] = [$"tunnelIp must be a unicast address; got {ip}."];
        }
    }

    /// <summary>Linux interface name rules (dev_valid_name): 1..15 characters, not "." or "..", no '/', ':' or whitespace.</summary>
    private static void TryPortName(string? name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors["portName"] = ["portName is required."];
        }
        else if (name.Length > MaxPortNameLength)
        {
            errors["portName"] = [$"portName must be at most {MaxPortNameLength} characters (an OVS interface name); got {name.Length}."];
        }
        else if (name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["portName"] = [$"portName must be a valid interface name (no '/', ':', whitespace or control characters; not '.' or '..'); got '{name}'."];
        }
    }

    private static void TryMac(ulong mac, Dictionary<string, string[]> errors)
    {
        if (mac > MaxMac)
        {
            errors["mac"] = ["mac must fit in 48 bits."];
        }
        else if (mac == 0)
        {
            errors["mac"] = ["mac must not be 00:00:00:00:00:00."];
        }
        else if (((mac >> 40) & 1) != 0)
        {
            errors["mac"] = [$"mac {MacText(mac)} is a multicast address; a port needs a unicast MAC."];
        }
    }

    private static string? TryCidr(string cidr, Dictionary<string, string[]> errors)
    {
        if (IPNetwork.TryParse(cidr, out var net) && net.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            return net.ToString();
        }

        errors["cidr"] = [$"cidr must be an IPv4 prefix with zero host bits, like 10.0.0.0/24; got '{cidr}'."];
        return null;
    }

    private static void ThrowIfAny(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new StoreValidationException(errors);
        }
    }

    internal static string MacText(ulong mac) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(mac >> (8 * (5 - i)))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static ImmutableArray<T> Replace<T>(ImmutableArray<T> items, Func<T, bool> match, T item)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (match(items[i]))
            {
                return items.SetItem(i, item);
            }
        }

        return items.Add(item);
    }

    private static ImmutableArray<T> Remove<T>(ImmutableArray<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (match(items[i]))
            {
                return items.RemoveAt(i);
            }
        }

        return items;
    }

    private static string NewId() => ObjectId.NewObjectId().ToString();

    private static BsonMapper CreateMapper() => new()
    {
        // The global mapper turns "" into null and trims: both would corrupt non-null strings on the way back.
        EmptyStringToNull = false,
        TrimWhitespace = false,
    };

    private static TenantInfo ToInfo(TenantDocument d) => new(d.Id, d.Name);

    private static NetworkDetails ToDetails(NetworkDocument d) =>
        new(new NetworkInfo(d.Id, d.TenantId, d.Name, Enum.Parse<TunnelType>(d.TunnelType), (uint)d.SegmentId), d.Cidr);

    private static HostInfo ToInfo(HostDocument d) =>
        new(d.Id, d.Name, d.DatapathId is { } dpid ? unchecked((ulong)dpid) : null, IPAddress.Parse(d.TunnelIp), d.SystemId);

    private static PortInfo ToInfo(PortDocument d) =>
        new(d.Id, d.NetworkId, d.HostId, unchecked((ulong)d.Mac), d.Ip is null ? null : IPAddress.Parse(d.Ip), d.Name);

    private static TunnelPortInfo ToInfo(TunnelPortDocument d) =>
        new(d.Id, d.HostId, d.PortName, d.RemoteHostId, Enum.Parse<TunnelType>(d.TunnelType));

    private static LocalVlan ToInfo(LocalVlanDocument d) => new(d.HostId, d.NetworkId, (ushort)d.Vlan);
}
