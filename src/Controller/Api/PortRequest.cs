namespace Controller.Api;

/// <summary>Body of POST /api/v1/ports. mac: "aa:bb:cc:dd:ee:ff"; ip: optional IPv4; ipv6: optional IPv6 unicast.</summary>
public sealed record PortRequest(string? NetworkId, string? HostId, string? Mac, string? Ip, string? Name, string? Ipv6 = null);
