namespace Controller.Api;

/// <summary>Body of POST (all fields) and PATCH (any field) /api/v1/hosts. datapathId: up to 16 hex digits.</summary>
public sealed record HostRequest(string? Name, string? DatapathId, string? TunnelIp);
