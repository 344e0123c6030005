using Apps.Model;

namespace Controller.Api;

/// <summary>A tunnel-port declaration; <see cref="RemoteTunnelIp"/> is the <c>options:remote_ip</c> the OVS interface needs.</summary>
public sealed record TunnelPortResponse(
    string Id,
    string HostId,
    string PortName,
    string RemoteHostId,
    TunnelType TunnelType,
    string? HostName,
    string? RemoteHostName,
    string? RemoteTunnelIp);
