namespace Controller.Store;

/// <summary>LiteDB shape of a network (collection <c>networks</c>). Numbers are stored as signed BSON integers.</summary>
internal sealed class NetworkDocument
{
    public string Id { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>"Vxlan", "Gre" or "Geneve".</summary>
    public string TunnelType { get; set; } = "";

    public int SegmentId { get; set; }

    public string? Cidr { get; set; }

    /// <summary>Dotted-quad IPv4, or null (older documents have none).</summary>
    public string? Gateway { get; set; }

    /// <summary>Dotted-quad IPv4 addresses, or null (older documents have none).</summary>
    public string[]? DnsServers { get; set; }

    /// <summary>The configured MTU, or null (older documents have none): the most the network's hosts allow.</summary>
    public int? Mtu { get; set; }

    /// <summary>"tenant/name": a unique index on it keeps names unique per tenant without a scan.</summary>
    public string TenantAndName { get; set; } = "";
}
