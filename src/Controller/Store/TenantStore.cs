using System.Threading.Channels;
using Apps.Model;
using Controller.Store.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Controller.Store;

/// <summary>
/// The tenant store: tenants, networks, hosts, ports, tunnel-port declarations and the per-host local VLANs.
/// </summary>
/// <remarks>
/// <para>The store holds its whole state in memory (<see cref="StoreState"/>) and answers every read from it.
/// A write validates (<see cref="StoreValidation"/>) and allocates (<see cref="StoreAllocation"/>) on that
/// state, collects its changes as mutations and hands them to the persistence in one atomic commit: LiteDB
/// (<c>Store:Backend=litedb</c>, one file, the default) or etcd (<c>Store:Backend=etcd</c>, shared by every
/// controller of a cluster; the commit is a transaction that compares the store revision, and other
/// controllers' writes arrive through a watch). A write that throws, or whose commit fails, leaves nothing
/// behind; a commit that lost a race to another controller is retried on the newer state, a bounded number of
/// times. Writes are serialised by one lock.</para>
/// <para>After every committed write (local or, with etcd, remote) that changes networks, hosts, ports, tunnel
/// ports or local VLANs the store makes the next <see cref="NetworkSnapshot"/> (version + 1; its arrays are built
/// from that version's immutable state when first read, so a write costs O(log n) however big the store) and publishes it
/// three ways, in this order, under the write lock so that every observer sees versions in order:
/// <see cref="Current"/> is replaced; every reader from <see cref="Subscribe"/> receives it (a reader holds at
/// most one pending snapshot, older ones are dropped: it always ends on the latest); then <see cref="Changed"/>
/// is raised synchronously (handlers must be quick and must not write to the store).
/// Tenant writes do not publish: tenants are not part of the snapshot.
/// Version 1 is the state loaded when the store opens. Snapshot versions are local to one controller.</para>
/// </remarks>
public sealed partial class TenantStore : IDisposable
{
    public const uint MaxSegmentId = 0xFF_FFFF;
    public const int MaxNameLength = 100;

    /// <summary>Longest OVS interface name: Linux IFNAMSIZ (16) less the terminating NUL.</summary>
    public const int MaxPortNameLength = 15;

    private readonly IStorePersistence _persistence;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<Channel<NetworkSnapshot>> _subscribers = [];
    private volatile StoreState _state;
    private volatile NetworkSnapshot _current;
    private bool _disposed;

    private TenantStore(IStorePersistence persistence, ILogger? logger)
    {
        _persistence = persistence;
        _logger = logger ?? NullLogger.Instance;
        _state = persistence.Load();
        _current = DeferredSnapshotOf(_state, 1);
        persistence.Start(new RemoteSink(this));
    }

    /// <summary>
    /// Raised after each published snapshot, synchronously, under the write lock: keep handlers quick, never
    /// write to the store from one. A handler that throws is logged and does not affect the write or other handlers.
    /// </summary>
    public event Action<NetworkSnapshot>? Changed;

    /// <summary>
    /// Raised after every committed write, also those that publish no snapshot (tenants are not part of one),
    /// synchronously under the write lock, after <see cref="Changed"/>; same rules as <see cref="Changed"/>.
    /// The web view's event stream uses it so that a new tenant shows up as promptly as a new port.
    /// </summary>
    public event Action? Committed;

    /// <summary>The latest published snapshot.</summary>
    public NetworkSnapshot Current => _current;

    /// <summary>"litedb" or "etcd".</summary>
    public string Backend => _persistence.Backend;

    /// <summary>The LiteDB file or the etcd endpoints.</summary>
    public string Location => _persistence.Location;

    /// <summary>
    /// True while reads may be behind the shared store (etcd unreachable or without quorum): they still answer
    /// from the last state this controller saw, and writes answer <see cref="StoreUnavailableException"/>.
    /// Always false for LiteDB.
    /// </summary>
    public bool IsStale => _persistence.IsStale;

    /// <summary>The backend revision of the state reads answer from (etcd: the store's last write revision).</summary>
    public long Revision => _state.Revision;

    /// <summary>Test hook: called at named points inside write transactions; throwing there forces a rollback.</summary>
    internal Action<string>? FaultPoint { get; set; }

    /// <summary>Opens (or creates) the LiteDB file at <paramref name="path"/>, creating its directory.</summary>
    public static TenantStore Open(string path, ILogger? logger = null) => new(LiteDbPersistence.Open(path), logger);

    /// <summary>Opens a store over a stream (a <see cref="MemoryStream"/> for tests). The stream stays the caller's.</summary>
    public static TenantStore Open(Stream stream, ILogger? logger = null) => new(LiteDbPersistence.Open(stream), logger);

    /// <summary>
    /// Opens the store on etcd: loads everything under the key prefix, then follows other controllers' writes
    /// with a watch. Throws <see cref="StoreUnavailableException"/> when no endpoint answers in time.
    /// </summary>
    public static TenantStore OpenEtcd(EtcdStoreOptions options, ILogger? logger = null) =>
        new(EtcdPersistence.Connect(options, logger ?? NullLogger.Instance), logger);

    /// <summary>Opens the backend that <paramref name="options"/> names.</summary>
    public static TenantStore Open(StoreOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Backend switch
        {
            StoreOptions.LiteDbBackend => Open(options.Path, logger),
            StoreOptions.EtcdBackend => OpenEtcd(options.Etcd, logger),
            _ => throw new ArgumentException($"Store:Backend must be '{StoreOptions.LiteDbBackend}' or '{StoreOptions.EtcdBackend}'; got '{options.Backend}'.", nameof(options)),
        };
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

    /// <summary>A snapshot read afresh from the backend (the published one is kept from the in-memory state).</summary>
    internal NetworkSnapshot BuildSnapshot(long version) => SnapshotOf(_persistence.Load(), version);

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
        }

        _persistence.Dispose();
    }
}
