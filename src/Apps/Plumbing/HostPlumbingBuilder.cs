// Desired OVSDB state of one host, computed from the store like the apps' flows (pure).
//
// br-int  fail_mode=secure, protocols=[OpenFlow13], controller=<targets>, datapath_type=<setting>
//         port patch-tun   type=patch options:peer=patch-int
//         (VM ports are the operator's/libvirt's rows: only their tag and mtu_request are ours, see Bindings)
// br-tun  same bridge settings
//         port patch-int   type=patch options:peer=patch-tun
//         port vxlan-<hex remote IPv4> / gre-<hex remote IPv4>, one per OTHER host in the store per
//              tunnel type used by any network: type=vxlan|gre options:key=flow,remote_ip=..,local_ip=..
//
// Bindings, one per observed br-int interface carrying external_ids:iface-id (ordered by port name):
//   1. iface-id equals a store port's id: that port;
//   2. else iface-id equals the name of exactly one store port ON THIS HOST: that port
//      (names are not unique in the store; two ports of that name on this host are ambiguous);
//   3. the port found must be bound to this host and the host must have a local VLAN for its
//      network: tag = that VLAN, mtu_request = the network's effective MTU (NetworkMtu.Of).
//   Otherwise tag = 4095 (dead VLAN, as Neutron does) and mtu_request untouched (null). A store port
//   that belongs to another host is deliberately NOT tagged here: its network's VLAN on this host
//   may be another tenant's, and the br-tun flows of this host do not carry it.
using System.Collections.Immutable;
using System.Net.Sockets;
using Apps.Model;
using Apps.Overlay;

namespace Apps.Plumbing;

/// <summary>Computes <see cref="HostPlumbing"/> for one host from the network state. Pure.</summary>
public static class HostPlumbingBuilder
{
    public const string FailModeSecure = "secure";

    public const string OpenFlow13 = "OpenFlow13";

    public static HostPlumbing Compute(
        NetworkSnapshot state,
        HostInfo host,
        PlumbingSettings settings,
        IReadOnlyCollection<ObservedInterface> vmInterfaces)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(vmInterfaces);

        var brInt = Bridge(settings.IntegrationBridge, settings, [Patch(settings.PatchTunPort, settings.PatchIntPort)]);
        var tunPorts = new List<PortSpec> { Patch(settings.PatchIntPort, settings.PatchTunPort) };
        tunPorts.AddRange(TunnelMesh(state, host));
        var brTun = Bridge(settings.TunnelBridge, settings, tunPorts);

        return new HostPlumbing([brInt, brTun], Bindings(state, host, settings, vmInterfaces));
    }

    /// <summary>
    /// The tunnel ports <paramref name="host"/>'s br-tun needs, ordered by name: one per other host
    /// per tunnel type in use, among hosts of the same address family (an IPv4 endpoint cannot reach an
    /// IPv6 one); IPv6 peers get Neutron's hashed names. Hosts that share this host's address are skipped.
    /// </summary>
    public static IReadOnlyList<PortSpec> TunnelMesh(NetworkSnapshot state, HostInfo host)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(host);
        var types = state.Networks.Select(n => n.TunnelType).Distinct().Order().ToList();
        if (types.Count == 0 || host.TunnelIp.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return [];
        }

        var local = host.TunnelIp.ToString();
        var byName = new SortedDictionary<string, PortSpec>(StringComparer.Ordinal);
        foreach (var other in state.Hosts)
        {
            if (other.Id == host.Id
                || other.TunnelIp.AddressFamily != host.TunnelIp.AddressFamily
                || other.TunnelIp.Equals(host.TunnelIp))
            {
                continue;
            }

            foreach (var type in types)
            {
                var name = TunnelPortName.Format(type, other.TunnelIp);
                byName.TryAdd(name, new PortSpec(
                    name,
                    type switch { TunnelType.Vxlan => "vxlan", TunnelType.Gre => "gre", _ => "geneve" },
                    ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
                    {
                        ["key"] = "flow",
                        ["remote_ip"] = other.TunnelIp.ToString(),
                        ["local_ip"] = local,
                    })));
            }
        }

        return [.. byName.Values];
    }

    /// <summary>The store port an interface's iface-id names on <paramref name="host"/>, per the rules above; null if none.</summary>
    public static PortInfo? ResolvePort(NetworkSnapshot state, HostInfo host, string ifaceId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(ifaceId);
        foreach (var p in state.Ports)
        {
            if (string.Equals(p.Id, ifaceId, StringComparison.Ordinal))
            {
                return p.HostId == host.Id ? p : null;
            }
        }

        PortInfo? found = null;
        foreach (var p in state.Ports)
        {
            if (p.HostId == host.Id && string.Equals(p.Name, ifaceId, StringComparison.Ordinal))
            {
                if (found is not null)
                {
                    return null;
                }

                found = p;
            }
        }

        return found;
    }

    private static ImmutableArray<PortBinding> Bindings(
        NetworkSnapshot state,
        HostInfo host,
        PlumbingSettings settings,
        IReadOnlyCollection<ObservedInterface> vmInterfaces)
    {
        var networks = state.Networks.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var vlans = new Dictionary<string, ushort>(StringComparer.Ordinal);
        foreach (var v in state.LocalVlans)
        {
            if (v.HostId == host.Id)
            {
                vlans[v.NetworkId] = v.Vlan;
            }
        }

        var byPort = new SortedDictionary<string, PortBinding>(StringComparer.Ordinal);
        foreach (var vif in vmInterfaces)
        {
            // Our own patch port never carries an iface-id; a name seen twice keeps its first row.
            if (string.Equals(vif.PortName, settings.PatchTunPort, StringComparison.Ordinal) || byPort.ContainsKey(vif.PortName))
            {
                continue;
            }

            var port = ResolvePort(state, host, vif.IfaceId);
            if (port is not null
                && networks.TryGetValue(port.NetworkId, out var net)
                && vlans.TryGetValue(port.NetworkId, out var vlan))
            {
                byPort[vif.PortName] = new PortBinding(vif.PortName, port.Id, vlan, NetworkMtu.Of(state, net, settings.UnderlayMtu).Effective);
            }
            else
            {
                byPort[vif.PortName] = new PortBinding(vif.PortName, null, HostPlumbing.DeadVlan, null);
            }
        }

        return [.. byPort.Values];
    }

    private static BridgeSpec Bridge(string name, PlumbingSettings settings, IEnumerable<PortSpec> ports) =>
        new(name, settings.DatapathType, FailModeSecure, [OpenFlow13], settings.ControllerTargets, [.. ports.OrderBy(p => p.Name, StringComparer.Ordinal)]);

    private static PortSpec Patch(string name, string peer) =>
        new(name, "patch", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("peer", peer)]));
}
