namespace Controller.Api;

/// <summary>A port; <see cref="Vlan"/> is the local VLAN to use as <c>tag=</c> on the host's br-int.</summary>
public sealed record PortResponse(
    string Id,
    string NetworkId,
    string HostId,
    string Mac,
    string? Ip,
    string Name,
    ushort Vlan,
    string? NetworkName,
    uint? SegmentId,
    string? HostName,
    string? TunnelIp,
    string? Ipv6);
