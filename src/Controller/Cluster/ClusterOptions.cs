using System.ComponentModel.DataAnnotations;

namespace Controller.Cluster;

/// <summary>
/// Settings of the controller cluster (configuration section <c>Cluster</c>). Off by default: one controller
/// needs no etcd and behaves as it always did.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Join a cluster: register in etcd and hold per-switch mastership as etcd leases.</summary>
    public bool Enabled { get; set; }

    /// <summary>This controller's id in the cluster (unique per member); default the machine name.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string MemberId { get; set; } = Environment.MachineName;

    /// <summary>
    /// Lifetime of this member's etcd lease: a master that has not renewed it for this long has lost every
    /// switch it mastered. etcd counts in whole seconds (at least 2 with its default timing).
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a member renews its lease and looks for switches without a master.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What this member advertises to the others (shown in GET /api/v1/cluster), e.g. its REST URL.</summary>
    public string? Advertise { get; set; }

    public EtcdEndpointOptions Etcd { get; set; } = new();
}

/// <summary>Where etcd is (section <c>Cluster:Etcd</c>).</summary>
public sealed class EtcdEndpointOptions
{
    /// <summary>Client URLs separated by commas, e.g. <c>http://10.0.0.1:2379,http://10.0.0.2:2379</c>.</summary>
    public string Endpoints { get; set; } = "http://127.0.0.1:2379";

    /// <summary>Key prefix of everything the cluster keeps in etcd.</summary>
    public string Prefix { get; set; } = "/ofcontroller/cluster";
}
