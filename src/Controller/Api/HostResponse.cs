namespace Controller.Api;

/// <summary>
/// A host; datapathId is 16 hex digits, null for a host managed over OVSDB until its br-tun's id is
/// learned; systemId is its Open_vSwitch external_ids:system-id, null for a host declared by hand; underlayMtu
/// is the underlay MTU in effect (configuredUnderlayMtu, else Plumbing:UnderlayMtu).
/// </summary>
public sealed record HostResponse(string Id, string Name, string? DatapathId, string TunnelIp, string? SystemId, int UnderlayMtu, int? ConfiguredUnderlayMtu)
{
    /// <summary>The host's OVSDB connection (null: never connected over OVSDB).</summary>
    public Hosts.HostOvsdbStatus? Ovsdb { get; init; }
}
