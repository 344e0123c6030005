using System.Net;

namespace Controller.Store;

/// <summary>Changes to a host; null fields are left as they are. <paramref name="UnderlayMtu"/> 0 clears the host's own underlay MTU.</summary>
public sealed record HostPatch(string? Name = null, ulong? DatapathId = null, IPAddress? TunnelIp = null, string? SystemId = null, int? UnderlayMtu = null);
