using System.Net;

namespace Controller.Store;

/// <summary>Changes to a port; null fields are left as they are. A port cannot move to another network or host.</summary>
public sealed record PortPatch(string? Name = null, IPAddress? Ip = null, IPAddress? Ipv6 = null);
