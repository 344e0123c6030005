namespace Controller.Store;

/// <summary>LiteDB shape of a host (collection <c>hosts</c>).</summary>
internal sealed class HostDocument
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>
    /// The 64-bit datapath id, reinterpreted as signed because BSON has no unsigned integer; null (absent)
    /// for a host managed over OVSDB until its br-tun's id is learned. Documents written before this was
    /// optional always carry it.
    /// </summary>
    public long? DatapathId { get; set; }

    public string TunnelIp { get; set; } = "";

    /// <summary>The host's <c>Open_vSwitch.external_ids:system-id</c>; absent for hosts declared by hand.</summary>
    public string? SystemId { get; set; }

    /// <summary>The host's own underlay MTU, or null (older documents have none): <c>Plumbing:UnderlayMtu</c>.</summary>
    public int? UnderlayMtu { get; set; }
}
