using Apps.Model;

namespace Controller.Store;

/// <summary>A port with the local VLAN (the br-int <c>tag=</c>) its host uses for its network.</summary>
public sealed record PortDetails(PortInfo Port, ushort Vlan);
