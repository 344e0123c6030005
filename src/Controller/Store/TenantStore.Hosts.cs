using System.Net;
using Apps.Model;
using static Controller.Store.StoreValidation;

namespace Controller.Store;

/// <summary>Hosts: name, datapath id, system id and tunnel IP each unique.</summary>
public sealed partial class TenantStore
{
    public IReadOnlyList<HostInfo> ListHosts() => [.. _state.Hosts.Values.Select(ToInfo)];

    public HostInfo? FindHost(string id) => _state.Hosts.TryGetValue(id, out var d) ? ToInfo(d) : null;

    public HostInfo? FindHostByDatapathId(ulong datapathId)
    {
        var s = _state;
        return s.Indexes.HostByDatapathId.TryGetValue(unchecked((long)datapathId), out var id) ? ToInfo(s.Hosts[id]) : null;
    }

    /// <summary>The host whose <c>Open_vSwitch.external_ids:system-id</c> is <paramref name="systemId"/>, if any.</summary>
    public HostInfo? FindHostBySystemId(string systemId)
    {
        ArgumentNullException.ThrowIfNull(systemId);
        var s = _state;
        return s.Indexes.HostBySystemId.TryGetValue(systemId, out var id) ? ToInfo(s.Hosts[id]) : null;
    }

    /// <summary>
    /// Creates a host. Name, datapath id, system id and tunnel IPv4 are each unique; at least one of datapath
    /// id and system id is required (a host managed over OVSDB has its datapath id learned later).
    /// </summary>
    public HostInfo CreateHost(NewHost spec) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>();
        var name = TryName("name", spec.Name, errors);
        TryTunnelIp(spec.TunnelIp, errors);
        var systemId = spec.SystemId is null ? null : TrySystemId(spec.SystemId, errors);
        var underlayMtu = TryUnderlayMtu(spec.UnderlayMtu, errors);
        if (spec.DatapathId is null && spec.SystemId is null)
        {
            errors["datapathId"] = ["datapathId is required unless systemId is given."];
        }

        ThrowIfAny(errors);
        var doc = new HostDocument
        {
            Id = NewId(),
            Name = name,
            DatapathId = spec.DatapathId is { } dpid ? unchecked((long)dpid) : null,
            TunnelIp = spec.TunnelIp.ToString(),
            SystemId = systemId,
            UnderlayMtu = underlayMtu,
        };
        CheckHostUnique(tx.State, doc);
        tx.Put(StoreCollection.Hosts, doc.Id, doc);
        return ToInfo(doc);
    });

    /// <summary>
    /// Changes a host's name, datapath id, tunnel IP (e.g. to fix a wrong underlay address) or underlay MTU
    /// (0 clears it). A change that leaves a network the host carries with a configured MTU the host can no
    /// longer carry is a conflict on the field that caused it; nothing is written.
    /// </summary>
    public HostInfo UpdateHost(string id, HostPatch patch) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(patch);
        var doc = tx.State.Hosts.TryGetValue(id, out var d) ? StoreState.Copy(d) : throw new EntityNotFoundException("host", id);
        var errors = new Dictionary<string, string[]>();
        var name = patch.Name is null ? doc.Name : TryName("name", patch.Name, errors);
        if (patch.TunnelIp is not null)
        {
            TryTunnelIp(patch.TunnelIp, errors);
        }

        var systemId = patch.SystemId is null ? doc.SystemId : TrySystemId(patch.SystemId, errors);
        var underlayMtu = patch.UnderlayMtu is null ? doc.UnderlayMtu : TryUnderlayMtu(patch.UnderlayMtu, errors);
        ThrowIfAny(errors);
        doc.Name = name;
        doc.SystemId = systemId;
        doc.UnderlayMtu = underlayMtu;
        if (patch.DatapathId is { } dpid)
        {
            doc.DatapathId = unchecked((long)dpid);
        }

        if (patch.TunnelIp is not null)
        {
            doc.TunnelIp = patch.TunnelIp.ToString();
        }

        CheckHostUnique(tx.State, doc);
        CheckMtuFitsHost(tx.State, doc, patch.UnderlayMtu is not null ? "underlayMtu" : "tunnelIp");
        tx.Put(StoreCollection.Hosts, id, doc);
        return ToInfo(doc);
    });

    /// <summary>
    /// Auto-registration of a host that connected over OVSDB: creates it with system id
    /// <paramref name="systemId"/>, tunnel IP <paramref name="encapIp"/> and no datapath id (learned later).
    /// Its name is <paramref name="hostname"/> (the system id when blank), suffixed <c>-2</c>, <c>-3</c>, ...
    /// when another host has it. A system id or tunnel IP that another host holds is a conflict, as for
    /// <see cref="CreateHost"/>.
    /// </summary>
    public HostInfo RegisterHost(string systemId, string? hostname, IPAddress encapIp) => Write(tx =>
    {
        var errors = new Dictionary<string, string[]>();
        var sid = TrySystemId(systemId, errors);
        TryTunnelIp(encapIp, errors);
        ThrowIfAny(errors);
        var doc = new HostDocument
        {
            Id = NewId(),
            Name = StoreAllocation.FreeHostName(tx.State, string.IsNullOrWhiteSpace(hostname) ? sid : hostname.Trim()),
            TunnelIp = encapIp.ToString(),
            SystemId = sid,
        };
        CheckHostUnique(tx.State, doc);
        tx.Put(StoreCollection.Hosts, doc.Id, doc);
        return ToInfo(doc);
    });

    /// <summary>
    /// Records the datapath id learned for a host managed over OVSDB (its br-tun's <c>datapath_id</c>).
    /// Nothing is written or published when the host already has it; another host holding it is a conflict.
    /// </summary>
    public HostInfo SetLearnedDatapathId(string hostId, ulong datapathId) => Write(tx =>
    {
        var current = tx.State.Hosts.TryGetValue(hostId, out var d) ? d : throw new EntityNotFoundException("host", hostId);
        if (current.DatapathId is { } have && unchecked((ulong)have) == datapathId)
        {
            return ToInfo(current);
        }

        var doc = StoreState.Copy(current);
        doc.DatapathId = unchecked((long)datapathId);
        CheckHostUnique(tx.State, doc);
        tx.Put(StoreCollection.Hosts, hostId, doc);
        return ToInfo(doc);
    });

    /// <summary>
    /// Deletes a host; refused with <see cref="DeleteRefusedException"/> while it has ports or is either end of
    /// a tunnel-port declaration.
    /// </summary>
    public void DeleteHost(string id) => Write(tx =>
    {
        var s = tx.State;
        if (!s.Hosts.ContainsKey(id))
        {
            throw new EntityNotFoundException("host", id);
        }

        var count = s.Indexes.PortsOnHost(id);
        if (count > 0)
        {
            throw new DeleteRefusedException($"Host '{id}' still has {count} port(s); delete them first.");
        }

        var tunnels = s.TunnelPorts.Values.Count(x => x.HostId == id || x.RemoteHostId == id);
        if (tunnels > 0)
        {
            throw new DeleteRefusedException(
                $"Host '{id}' is an end of {tunnels} tunnel-port declaration(s); delete them first.");
        }

        tx.Delete(StoreCollection.Hosts, id);
        if (s.VlanPools.ContainsKey(id))
        {
            tx.Delete(StoreCollection.VlanPools, id);
        }

        return 0;
    });

    private static void CheckHostUnique(StoreState state, HostDocument doc)
    {
        var index = state.Indexes;
        if (index.HostByName.TryGetValue(doc.Name, out var a) && a != doc.Id)
        {
            throw new StoreConflictException($"Host '{a}' already has the name '{doc.Name}'.", "name");
        }

        if (doc.DatapathId is { } dpid && index.HostByDatapathId.TryGetValue(dpid, out var b) && b != doc.Id)
        {
            throw new StoreConflictException($"Host '{b}' already has datapath id {unchecked((ulong)dpid):x16}.", "datapathId");
        }

        if (doc.SystemId is { } sid && index.HostBySystemId.TryGetValue(sid, out var s) && s != doc.Id)
        {
            throw new StoreConflictException($"Host '{s}' already has system id '{sid}'.", "systemId");
        }

        if (index.HostByTunnelIp.TryGetValue(doc.TunnelIp, out var c) && c != doc.Id)
        {
            throw new StoreConflictException($"Host '{c}' already has tunnel IP {doc.TunnelIp}.", "tunnelIp");
        }
    }
}
