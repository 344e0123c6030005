using static Controller.Store.StoreValidation;

namespace Controller.Store;

/// <summary>Networks: segment ids unique across the deployment, names unique per tenant.</summary>
public sealed partial class TenantStore
{
    public IReadOnlyList<NetworkDetails> ListNetworks(string? tenantId = null) =>
        [.. _state.Networks.Values.Where(x => tenantId is null || x.TenantId == tenantId).Select(ToDetails)];

    public NetworkDetails? FindNetwork(string id) => _state.Networks.TryGetValue(id, out var d) ? ToDetails(d) : null;

    /// <summary>
    /// Creates a network. Its segment id is <see cref="NewNetwork.SegmentId"/> when given (1..16777215, unique,
    /// else 400/409), otherwise the lowest free one. Network names are unique within a tenant.
    /// </summary>
    public NetworkDetails CreateNetwork(NewNetwork spec) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>();
        var name = TryName("name", spec.Name, errors);
        if (spec.SegmentId is { } s && (s < 1 || s > MaxSegmentId))
        {
            errors["segmentId"] = [$"segmentId must be between 1 and {MaxSegmentId}; got {s}."];
        }

        if (!Enum.IsDefined(spec.TunnelType))
        {
            errors["tunnelType"] = ["tunnelType must be vxlan, gre or geneve."];
        }

        var cidr = spec.Cidr is null ? null : TryCidr(spec.Cidr, errors);
        CheckDhcpFields(spec, cidr, errors);
        var mtu = TryNetworkMtu(spec.Mtu, errors);
        ThrowIfAny(errors);
        var state = tx.State;
        if (!state.Tenants.ContainsKey(spec.TenantId))
        {
            throw new UnknownReferenceException("tenantId", "tenant", spec.TenantId);
        }

        var tenantAndName = spec.TenantId + "/" + name;
        if (state.Indexes.NetworkByName.ContainsKey(tenantAndName))
        {
            throw new StoreConflictException($"Tenant '{spec.TenantId}' already has a network named '{name}'.", "name");
        }

        uint segment;
        if (spec.SegmentId is { } wanted)
        {
            if (state.Indexes.NetworkBySegment.TryGetValue((int)wanted, out var other))
            {
                throw new StoreConflictException($"Segment id {wanted} is already used by network '{other}'.", "segmentId");
            }

            segment = wanted;
        }
        else
        {
            segment = StoreAllocation.LowestFreeSegment(state);
        }

        var doc = new NetworkDocument
        {
            Id = NewId(),
            TenantId = spec.TenantId,
            Name = name,
            TunnelType = spec.TunnelType.ToString(),
            SegmentId = (int)segment,
            Cidr = cidr,
            Gateway = spec.Gateway?.ToString(),
            DnsServers = spec.DnsServers.IsDefaultOrEmpty ? null : [.. spec.DnsServers.Select(a => a.ToString())],
            Mtu = mtu,
            TenantAndName = tenantAndName,
        };
        tx.Put(StoreCollection.Networks, doc.Id, doc);
        return ToDetails(doc);
    });

    public NetworkDetails RenameNetwork(string id, string name) => UpdateNetwork(id, new NetworkPatch(Name: name ?? ""));

    /// <summary>
    /// Changes a network's name or configured MTU (0 clears it). An MTU larger than a host the network spans
    /// allows is a conflict on <c>mtu</c>; nothing is written.
    /// </summary>
    public NetworkDetails UpdateNetwork(string id, NetworkPatch patch) => Write(tx =>
    {
        ArgumentNullException.ThrowIfNull(patch);
        var doc = tx.State.Networks.TryGetValue(id, out var d) ? StoreState.Copy(d) : throw new EntityNotFoundException("network", id);
        var errors = new Dictionary<string, string[]>();
        var n = patch.Name is null ? doc.Name : TryName("name", patch.Name, errors);
        var mtu = patch.Mtu is null ? doc.Mtu : TryNetworkMtu(patch.Mtu, errors);
        if (patch.Name is null && patch.Mtu is null)
        {
            errors["name"] = ["name or mtu is required."];
        }

        ThrowIfAny(errors);
        var tenantAndName = doc.TenantId + "/" + n;
        if (tx.State.Indexes.NetworkByName.TryGetValue(tenantAndName, out var holder) && holder != id)
        {
            throw new StoreConflictException($"Tenant '{doc.TenantId}' already has a network named '{n}'.", "name");
        }

        doc.Name = n;
        doc.TenantAndName = tenantAndName;
        doc.Mtu = mtu;
        CheckMtuFitsSpan(tx.State, doc, "mtu");
        tx.Put(StoreCollection.Networks, id, doc);
        return ToDetails(doc);
    });

    /// <summary>Deletes a network; refused with <see cref="DeleteRefusedException"/> while it has ports.</summary>
    public void DeleteNetwork(string id) => Write(tx =>
    {
        if (!tx.State.Networks.ContainsKey(id))
        {
            throw new EntityNotFoundException("network", id);
        }

        var count = tx.State.Indexes.PortsOfNetwork(id);
        if (count > 0)
        {
            throw new DeleteRefusedException($"Network '{id}' still has {count} port(s); delete them first.");
        }

        tx.Delete(StoreCollection.Networks, id);
        return 0;
    });
}
