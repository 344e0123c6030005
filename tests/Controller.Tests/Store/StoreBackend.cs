using Controller.Store;
using Tests.Shared;

namespace Controller.Tests.Store;

/// <summary>
/// Opens a <see cref="TenantStore"/> on either backend, so that one store test runs against both: LiteDB over
/// a memory stream, or etcd (one real member shared by the test run, a fresh key prefix per store).
/// Reopening gives a new store over the same data.
/// </summary>
internal sealed class StoreBackend : IDisposable
{
    public const string LiteDb = "litedb";
    public const string Etcd = "etcd";

    private readonly MemoryStream? _stream;
    private readonly EtcdStoreOptions? _etcd;

    public StoreBackend(string name)
    {
        Name = name;
        if (name == LiteDb)
        {
            _stream = new MemoryStream();
        }
        else
        {
            _etcd = new EtcdStoreOptions
            {
                Endpoints = SharedEtcd.Cluster.EndpointsCsv,
                Prefix = "/test/" + Guid.NewGuid().ToString("N"),
                ProbeIntervalMs = 200,
            };
        }
    }

    /// <summary>The backends a fixture runs against (TestFixtureSource).</summary>
    public static IEnumerable<string> Names => [LiteDb, Etcd];

    public string Name { get; }

    public TenantStore Open()
    {
        if (_stream is not null)
        {
            _stream.Position = 0;
            return TenantStore.Open(_stream);
        }

        return TenantStore.OpenEtcd(_etcd!);
    }

    public void Dispose() => _stream?.Dispose();
}

/// <summary>One single-member etcd for all store tests of a run, started on first use.</summary>
[SetUpFixture]
public sealed class SharedEtcd
{
    private static readonly Lock Gate = new();
    private static EtcdCluster? _cluster;

    internal static EtcdCluster Cluster
    {
        get
        {
            lock (Gate)
            {
                return _cluster ??= EtcdCluster.StartAsync(1).GetAwaiter().GetResult();
            }
        }
    }

    [OneTimeTearDown]
    public void StopEtcd()
    {
        lock (Gate)
        {
            _cluster?.Dispose();
            _cluster = null;
        }
    }
}
