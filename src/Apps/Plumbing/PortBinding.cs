namespace Apps.Plumbing;

/// <summary>
/// What a VM interface on br-int should carry: the access VLAN <paramref name="Tag"/> and
/// <c>Interface.mtu_request</c>.
/// </summary>
/// <param name="PortName">The OVSDB <c>Port.name</c> on br-int.</param>
/// <param name="StorePortId">The store port it is bound to; null when unbound (dead VLAN).</param>
/// <param name="Tag">The host's local VLAN of the port's network, or <see cref="HostPlumbing.DeadVlan"/>.</param>
/// <param name="MtuRequest">The network's MTU; null for an unbound interface (leave its MTU alone).</param>
public sealed record PortBinding(string PortName, string? StorePortId, ushort Tag, int? MtuRequest);
