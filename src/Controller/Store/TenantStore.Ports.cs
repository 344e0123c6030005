using System.Net;
using System.Net.Sockets;
using Apps.Model;
using static Controller.Store.StoreValidation;

namespace Controller.Store;

/// <summary>Ports: MAC and IP unique per network; the first port of a network on a host binds its local VLAN.</summary>
public sealed partial class TenantStore
{
    public IReadOnlyList<PortDetails> ListPorts(string? networkId = null, string? hostId = null)
    {
        var s = _state;
        return [.. s.Ports.Values
            .Where(d => (networkId is null || d.NetworkId == networkId) && (hostId is null || d.HostId == hostId))
            .Select(d => new PortDetails(ToInfo(d), VlanOf(s, d)))];
    }

    public PortDetails? FindPort(string id)
    {
        var s = _state;
        return s.Ports.TryGetValue(id, out var d) ? new PortDetails(ToInfo(d), VlanOf(s, d)) : null;
    }

    /// <summary>
    /// Creates a port. The first port of a network on a host allocates that (host, network) its local VLAN,
    /// the lowest free in 1..4094 (<see cref="VlanPoolExhaustedException"/> when none is left). MACs are
    /// unique within a network; an IPv4 address, when given, is unique within the network and inside its CIDR.
    /// </summary>
    public PortDetails CreatePort(NewPort spec) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>();
        var name = TryOptionalName("name", spec.Name, errors);
        TryMac(spec.Mac, errors);
        ThrowIfAny(errors);
        var s = tx.State;
        var network = s.Networks.TryGetValue(spec.NetworkId, out var n) ? n : throw new UnknownReferenceException("networkId", "network", spec.NetworkId);
        if (!s.Hosts.ContainsKey(spec.HostId))
        {
            throw new UnknownReferenceException("hostId", "host", spec.HostId);
        }

        CheckPortIp(s, network, spec.Ip, portId: null);
        CheckPortIpv6(s, network, spec.Ipv6, portId: null);
        CheckMtuFits(network, s.Hosts[spec.HostId], "hostId");
        var mac = unchecked((long)spec.Mac);
        var networkAndMac = PortDocument.KeyOf(spec.NetworkId, mac);
        if (s.Indexes.PortByMac.TryGetValue(networkAndMac, out var clash))
        {
            throw new StoreConflictException(
                $"MAC {MacText(spec.Mac)} is already used by port '{clash}' in network '{spec.NetworkId}'.", "mac");
        }

        var (binding, _) = StoreAllocation.BindVlan(tx, spec.HostId, spec.NetworkId);
        Fault("CreatePort:VlanBound");
        var doc = new PortDocument
        {
            Id = NewId(),
            NetworkId = spec.NetworkId,
            HostId = spec.HostId,
            Mac = mac,
            Ip = spec.Ip?.ToString(),
            Ipv6 = spec.Ipv6?.ToString(),
            Name = name,
            NetworkAndMac = networkAndMac,
        };
        tx.Put(StoreCollection.Ports, doc.Id, doc);
        Fault("CreatePort:Inserted");
        return new PortDetails(ToInfo(doc), (ushort)binding.Vlan);
    });

    /// <summary>Changes a port's name, IPv4 or IPv6 address.</summary>
    public PortDetails UpdatePort(string id, PortPatch patch) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(patch);
        var doc = tx.State.Ports.TryGetValue(id, out var d) ? StoreState.Copy(d) : throw new EntityNotFoundException("port", id);
        var errors = new Dictionary<string, string[]>();
        var name = patch.Name is null ? doc.Name : TryOptionalName("name", patch.Name, errors);
        ThrowIfAny(errors);
        if (patch.Ip is not null)
        {
            var network = tx.State.Networks.TryGetValue(doc.NetworkId, out var n) ? n : throw new EntityNotFoundException("network", doc.NetworkId);
            CheckPortIp(tx.State, network, patch.Ip, id);
            doc.Ip = patch.Ip.ToString();
        }

        if (patch.Ipv6 is not null)
        {
            var network = tx.State.Networks.TryGetValue(doc.NetworkId, out var n) ? n : throw new EntityNotFoundException("network", doc.NetworkId);
            CheckPortIpv6(tx.State, network, patch.Ipv6, id);
            doc.Ipv6 = patch.Ipv6.ToString();
        }

        doc.Name = name;
        tx.Put(StoreCollection.Ports, id, doc);
        return new PortDetails(ToInfo(doc), VlanOf(tx.State, doc));
    });

    /// <summary>Deletes a port; the last port of a network on a host frees that host's local VLAN for it.</summary>
    public void DeletePort(string id) => Write(tx =>
    {
        var deleted = tx.State.Ports.TryGetValue(id, out var d) ? d : throw new EntityNotFoundException("port", id);
        tx.Delete(StoreCollection.Ports, id);
        if (tx.State.Indexes.PortsOf(deleted.HostId, deleted.NetworkId) == 0)
        {
            StoreAllocation.UnbindVlan(tx, deleted.HostId, deleted.NetworkId);
        }

        Fault("DeletePort:Deleted");
        return 0;
    });

    // ---------------------------------------------------------------- local VLANs

    public IReadOnlyList<LocalVlan> ListLocalVlans() => [.. _state.LocalVlans.Values.Select(ToInfo)];

    /// <summary>The local VLAN of (host, network), or null when the host has no port of that network.</summary>
    public ushort? FindLocalVlan(string hostId, string networkId) =>
        _state.LocalVlans.TryGetValue(LocalVlanDocument.KeyOf(hostId, networkId), out var v) ? (ushort)v.Vlan : null;

    internal static string MacText(ulong mac) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(mac >> (8 * (5 - i)))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static ushort VlanOf(StoreState s, PortDocument d) =>
        s.LocalVlans.TryGetValue(LocalVlanDocument.KeyOf(d.HostId, d.NetworkId), out var v) ? (ushort)v.Vlan : (ushort)0;

    /// <summary>An IPv6 unicast address (global, unique-local or link-local; no zone), unique within the network.</summary>
    private static void CheckPortIpv6(StoreState state, NetworkDocument network, IPAddress? ip, string? portId)
    {
        if (ip is null)
        {
            return;
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6 || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6Loopback)
            || ip.IsIPv6Multicast || ip.IsIPv4MappedToIPv6 || ip.ScopeId != 0)
        {
            throw new StoreValidationException("ipv6", $"ipv6 must be an IPv6 unicast address without zone (not ::, ::1, multicast or IPv4-mapped); got {ip}.");
        }

        var text = ip.ToString();
        if (state.Indexes.PortByIpv6.TryGetValue(StoreIndexes.AddressKey(network.Id, text), out var clash) && clash != portId)
        {
            throw new StoreConflictException($"IPv6 {text} is already used by port '{clash}' in network '{network.Id}'.", "ipv6");
        }
    }

    private static void CheckPortIp(StoreState state, NetworkDocument network, IPAddress? ip, string? portId)
    {
        if (ip is null)
        {
            return;
        }

        if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new StoreValidationException("ip", $"ip must be an IPv4 address; got {ip}.");
        }

        if (network.Cidr is not null && !System.Net.IPNetwork.Parse(network.Cidr).Contains(ip))
        {
            throw new StoreValidationException("ip", $"ip {ip} is outside the network's prefix {network.Cidr}.");
        }

        if (network.Cidr is not null && IsNetworkOrBroadcast(System.Net.IPNetwork.Parse(network.Cidr), ip))
        {
            throw new StoreValidationException("ip", $"ip {ip} is the network or broadcast address of {network.Cidr}.");
        }

        var text = ip.ToString();
        if (state.Indexes.PortByIp.TryGetValue(StoreIndexes.AddressKey(network.Id, text), out var clash) && clash != portId)
        {
            throw new StoreConflictException($"IP {text} is already used by port '{clash}' in network '{network.Id}'.", "ip");
        }
    }
}
