using System.Net;

namespace Controller.Store;

/// <summary>Changes to a host; null fields are left as they are.</summary>
public sealed record HostPatch(string? Name = null, ulong? DatapathId = null, IPAddress? TunnelIp = null, string? SystemId = null);
