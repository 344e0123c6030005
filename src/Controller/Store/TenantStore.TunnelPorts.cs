using static Controller.Store.StoreValidation;

namespace Controller.Store;

/// <summary>Tunnel-port declarations: which br-tun port leads to which host; port names unique per host.</summary>
public sealed partial class TenantStore
{
    public IReadOnlyList<TunnelPortInfo> ListTunnelPorts(string? hostId = null) =>
        [.. _state.TunnelPorts.Values.Where(x => hostId is null || x.HostId == hostId).Select(ToInfo)];

    public TunnelPortInfo? FindTunnelPort(string id) => _state.TunnelPorts.TryGetValue(id, out var d) ? ToInfo(d) : null;

    /// <summary>
    /// Declares that br-tun port <see cref="NewTunnelPort.PortName"/> on host <see cref="NewTunnelPort.HostId"/>
    /// is a tunnel to <see cref="NewTunnelPort.RemoteHostId"/>, for ports whose names do not follow the Neutron
    /// convention. Both hosts must exist and differ; the port name (a Linux interface name, 1..15 characters)
    /// is unique per host.
    /// </summary>
    public TunnelPortInfo CreateTunnelPort(NewTunnelPort spec) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>();
        TryPortName(spec.PortName, errors);
        if (!Enum.IsDefined(spec.TunnelType))
        {
            errors["tunnelType"] = ["tunnelType must be vxlan, gre or geneve."];
        }

        if (spec.HostId == spec.RemoteHostId)
        {
            errors["remoteHostId"] = ["remoteHostId must differ from hostId: a tunnel leads to another host."];
        }

        ThrowIfAny(errors);
        var s = tx.State;
        if (!s.Hosts.ContainsKey(spec.HostId))
        {
            throw new UnknownReferenceException("hostId", "host", spec.HostId);
        }

        if (!s.Hosts.ContainsKey(spec.RemoteHostId))
        {
            throw new UnknownReferenceException("remoteHostId", "host", spec.RemoteHostId);
        }

        var key = TunnelPortDocument.KeyOf(spec.HostId, spec.PortName);
        if (s.TunnelPorts.Values.FirstOrDefault(x => x.HostAndPortName == key) is { } clash)
        {
            throw new StoreConflictException(
                $"Host '{spec.HostId}' already has a tunnel port named '{spec.PortName}' (declaration '{clash.Id}').", "portName");
        }

        var doc = new TunnelPortDocument
        {
            Id = NewId(),
            HostId = spec.HostId,
            PortName = spec.PortName,
            RemoteHostId = spec.RemoteHostId,
            TunnelType = spec.TunnelType.ToString(),
            HostAndPortName = key,
        };
        tx.Put(StoreCollection.TunnelPorts, doc.Id, doc);
        Fault("CreateTunnelPort:Inserted");
        return ToInfo(doc);
    });

    public void DeleteTunnelPort(string id) => Write(tx =>
    {
        if (!tx.State.TunnelPorts.ContainsKey(id))
        {
            throw new EntityNotFoundException("tunnel port", id);
        }

        tx.Delete(StoreCollection.TunnelPorts, id);
        Fault("DeleteTunnelPort:Deleted");
        return 0;
    });
}
