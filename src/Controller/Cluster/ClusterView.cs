namespace Controller.Cluster;

/// <summary>GET /api/v1/cluster: the members, their leases, who masters which switch and who writes which host's OVSDB, and the writes this member suppressed or had refused.</summary>
public sealed record ClusterView(
    bool Enabled,
    string MemberId,
    string? LeaseId,
    bool LeaseValid,
    IReadOnlyList<ClusterMemberView> Members,
    IReadOnlyList<MastershipView> Switches,
    IReadOnlyList<MastershipView> Hosts,
    long WritesSuppressed,
    long WritesRefused,
    long HostWritesSuppressed,
    long HostWritesRefused,
    string? Error = null);

/// <summary>One member: its id, what it advertises, its lease (hex, as etcdctl prints it) and the lease's remaining seconds.</summary>
public sealed record ClusterMemberView(string Id, string? Advertise, string LeaseId, long LeaseTtlSeconds, bool Self);

/// <summary>
/// Who masters one switch (16 hex digits) or writes one host's OVSDB (its system-id; <see cref="HostId"/> is the
/// store's id of that host, when known), with the generation id (the key's etcd create revision).
/// </summary>
public sealed record MastershipView(string Id, string Master, ulong GenerationId, string LeaseId, string? HostId = null);
