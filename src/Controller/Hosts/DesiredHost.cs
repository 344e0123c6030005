using System.Collections.Immutable;

namespace Controller.Hosts;

/// <summary>
/// What one host's OVSDB should hold, in OVSDB terms: the bridges the controller owns with their ports,
/// and the tags/MTUs of the VM ports it binds. Built from the apps' <c>HostPlumbing</c> by
/// <see cref="DesiredHostMapper"/>; kept apart from it so that the diff speaks only OVSDB.
/// </summary>
internal sealed record DesiredHost(ImmutableArray<DesiredBridge> Bridges, ImmutableArray<DesiredBinding> Bindings)
{
    public static readonly DesiredHost Nothing = new([], []);
}

/// <summary>A bridge; <see cref="DatapathType"/> null leaves the column as it is (or OVS's default on create).</summary>
internal sealed record DesiredBridge(
    string Name,
    string? DatapathType,
    string FailMode,
    ImmutableArray<string> Protocols,
    ImmutableArray<string> ControllerTargets,
    ImmutableArray<DesiredPort> Ports);

/// <summary>A port with one interface of the same name (patch or tunnel).</summary>
internal sealed record DesiredPort(string Name, string Type, ImmutableSortedDictionary<string, string> Options);

/// <summary>
/// A VM port whose interface carries <c>external_ids:iface-id</c>: the VLAN tag the port gets (the local
/// VLAN or the dead VLAN 4095) and its interfaces' <c>mtu_request</c> (null: leave it).
/// </summary>
internal sealed record DesiredBinding(string PortName, ushort Tag, int? MtuRequest);
