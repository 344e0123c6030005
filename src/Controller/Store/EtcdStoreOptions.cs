using System.ComponentModel.DataAnnotations;

namespace Controller.Store;

/// <summary>Configuration section <c>Store:Etcd</c>.</summary>
public sealed class EtcdStoreOptions
{
    /// <summary>Client URLs of the etcd members, comma separated: <c>http://10.0.0.1:2379,http://10.0.0.2:2379</c>.
    /// The first is used until it fails; give each controller its nearest member first.</summary>
    public string Endpoints { get; set; } = "http://127.0.0.1:2379";

    /// <summary>Every key of the store lives under this prefix (several deployments can share one etcd).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Prefix { get; set; } = "/ofc";

    /// <summary>Deadline of one etcd request (a write's transaction); past it the REST write answers 503.</summary>
    [Range(100, 60_000)]
    public int RequestTimeoutMs { get; set; } = 3000;

    /// <summary>How long opening the store waits for etcd before giving up.</summary>
    [Range(100, 600_000)]
    public int ConnectTimeoutMs { get; set; } = 15_000;

    /// <summary>Interval of the quorum probe (a linearizable read) that decides whether reads are stale.</summary>
    [Range(50, 60_000)]
    public int ProbeIntervalMs { get; set; } = 500;

    public IReadOnlyList<Uri> EndpointUris() =>
        [.. Endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => new Uri(e.Contains("://", StringComparison.Ordinal) ? e : "http://" + e))];
}
