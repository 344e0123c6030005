using LiteDB;

namespace Controller.Store.Persistence;

/// <summary>
/// The embedded default: one LiteDB file (or stream) that only this process writes. A commit is one LiteDB
/// transaction; unique indexes stay as the last line of defence behind the store's own checks.
/// </summary>
internal sealed class LiteDbPersistence : IStorePersistence
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<TenantDocument> _tenants;
    private readonly ILiteCollection<NetworkDocument> _networks;
    private readonly ILiteCollection<HostDocument> _hosts;
    private readonly ILiteCollection<PortDocument> _ports;
    private readonly ILiteCollection<TunnelPortDocument> _tunnelPorts;
    private readonly ILiteCollection<LocalVlanDocument> _vlans;
    private readonly ILiteCollection<VlanPoolDocument> _pools;
    private long _revision;

    private LiteDbPersistence(LiteDatabase db, string location)
    {
        _db = db;
        Location = location;
        _tenants = db.GetCollection<TenantDocument>("tenants");
        _networks = db.GetCollection<NetworkDocument>("networks");
        _hosts = db.GetCollection<HostDocument>("hosts");
        _ports = db.GetCollection<PortDocument>("ports");
        _tunnelPorts = db.GetCollection<TunnelPortDocument>("tunnelports");
        _vlans = db.GetCollection<LocalVlanDocument>("localvlans");
        _pools = db.GetCollection<VlanPoolDocument>("vlanpools");

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
    }

    public string Backend => "litedb";

    public string Location { get; }

    public bool IsStale => false;

    /// <summary>Test hook: called after the first mutation of a commit is written; throwing there forces a rollback.</summary>
    internal Action<string>? FaultPoint { get; set; }

    public static LiteDbPersistence Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var cs = new ConnectionString { Filename = full, Connection = ConnectionType.Direct };
        return new LiteDbPersistence(new LiteDatabase(cs, CreateMapper()), full);
    }

    public static LiteDbPersistence Open(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new LiteDbPersistence(new LiteDatabase(stream, CreateMapper()), "(stream)");
    }

    public StoreState Load() => StoreState.Empty.ApplyAll(
        _tenants.FindAll().Select(d => new StoreMutation(StoreCollection.Tenants, d.Id, d))
            .Concat(_networks.FindAll().Select(d => new StoreMutation(StoreCollection.Networks, d.Id, d)))
            .Concat(_hosts.FindAll().Select(d => new StoreMutation(StoreCollection.Hosts, d.Id, d)))
            .Concat(_ports.FindAll().Select(d => new StoreMutation(StoreCollection.Ports, d.Id, d)))
            .Concat(_tunnelPorts.FindAll().Select(d => new StoreMutation(StoreCollection.TunnelPorts, d.Id, d)))
            .Concat(_vlans.FindAll().Select(d => new StoreMutation(StoreCollection.LocalVlans, d.Id, d)))
            .Concat(_pools.FindAll().Select(d => new StoreMutation(StoreCollection.VlanPools, d.Id, d))))
        with { Revision = _revision };

    public CommitOutcome Commit(long basisRevision, IReadOnlyList<StoreMutation> mutations)
    {
        // One process writes this file and the store serialises its writes, so the basis is always current.
        if (!_db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        }

        try
        {
            var first = true;
            foreach (var m in mutations)
            {
                Write(m);
                if (first)
                {
                    FaultPoint?.Invoke("LiteDb:FirstWritten");
                    first = false;
                }
            }

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

        return CommitOutcome.Success(++_revision);
    }

    public void Start(IRemoteChangeSink sink)
    {
        // Nobody else writes this file.
    }

    public void Dispose() => _db.Dispose();

    private void Write(StoreMutation m)
    {
        switch (m.Collection)
        {
            case StoreCollection.Tenants: Set(_tenants, m); break;
            case StoreCollection.Networks: Set(_networks, m); break;
            case StoreCollection.Hosts: Set(_hosts, m); break;
            case StoreCollection.Ports: Set(_ports, m); break;
            case StoreCollection.TunnelPorts: Set(_tunnelPorts, m); break;
            case StoreCollection.LocalVlans: Set(_vlans, m); break;
            case StoreCollection.VlanPools: Set(_pools, m); break;
            default: throw new ArgumentOutOfRangeException(nameof(m), m.Collection, "unknown collection");
        }
    }

    private static void Set<T>(ILiteCollection<T> collection, StoreMutation m)
    {
        if (m.Document is null)
        {
            collection.Delete(m.Id);
        }
        else
        {
            collection.Upsert((T)m.Document);
        }
    }

    private static BsonMapper CreateMapper() => new()
    {
        // The global mapper turns "" into null and trims: both would corrupt non-null strings on the way back.
        EmptyStringToNull = false,
        TrimWhitespace = false,
    };
}
