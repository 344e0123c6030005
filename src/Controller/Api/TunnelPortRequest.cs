using Apps.Model;

namespace Controller.Api;

/// <summary>
/// Body of POST /api/v1/tunnel-ports: br-tun port <c>portName</c> on host <c>hostId</c> leads to host
/// <c>remoteHostId</c>. Omitted tunnelType: vxlan.
/// </summary>
public sealed record TunnelPortRequest(string? HostId, string? PortName, string? RemoteHostId, TunnelType? TunnelType);
