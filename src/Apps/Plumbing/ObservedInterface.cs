namespace Apps.Plumbing;

/// <summary>
/// A VM or container interface seen on br-int that carries <c>external_ids:iface-id</c>
/// (and maybe <c>attached-mac</c>), the Neutron/OVN/libvirt convention.
/// </summary>
/// <param name="PortName">The OVSDB <c>Port.name</c> on br-int.</param>
/// <param name="IfaceId">The interface's <c>external_ids:iface-id</c>: a store port's id or name.</param>
/// <param name="AttachedMac">The interface's <c>external_ids:attached-mac</c>, when given.</param>
public sealed record ObservedInterface(string PortName, string IfaceId, string? AttachedMac = null);
