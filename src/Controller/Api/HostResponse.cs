namespace Controller.Api;

/// <summary>A host; datapathId is 16 hex digits.</summary>
public sealed record HostResponse(string Id, string Name, string DatapathId, string TunnelIp);
