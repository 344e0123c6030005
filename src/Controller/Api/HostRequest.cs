namespace Controller.Api;

/// <summary>
/// Body of POST (all fields) and PATCH (any field) /api/v1/hosts. datapathId: up to 16 hex digits;
/// systemId: the host's Open_vSwitch external_ids:system-id. POST needs at least one of the two: a host
/// with a systemId and no datapathId is managed over OVSDB, which learns its datapath id. underlayMtu: the MTU
/// of this host's underlay (626..65535; omitted: unchanged, 0: none, Plumbing:UnderlayMtu applies).
/// </summary>
public sealed record HostRequest(string? Name, string? DatapathId, string? TunnelIp, string? SystemId = null, int? UnderlayMtu = null);
