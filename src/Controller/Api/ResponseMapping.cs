using Apps.Model;
using Apps.Plumbing;
using Controller.Store;
using Controller.Switches;

namespace Controller.Api;

/// <summary>Store values to REST DTOs.</summary>
internal static class ResponseMapping
{
    public static TenantResponse ToResponse(this TenantInfo t) => new(t.Id, t.Name);

    public static NetworkResponse ToResponse(this NetworkDetails d, TenantStore store)
    {
        var state = store.Current;
        var mtu = NetworkMtu.Of(state, d.Network, store.DefaultUnderlayMtu);
        return new(
            d.Network.Id,
            d.Network.TenantId,
            d.Network.Name,
            d.Network.TunnelType,
            d.Network.SegmentId,
            d.Cidr,
            mtu.Effective,
            d.Network.Gateway?.ToString(),
            [.. d.Network.DnsServers.Select(a => a.ToString())],
            Apps.Dhcp.DhcpResponder.ServerAddress(state, d.Network)?.ToString(),
            mtu.Max,
            mtu.Configured);
    }

    public static HostResponse ToResponse(this HostInfo h, TenantStore store) =>
        new(
            h.Id,
            h.Name,
            h.DatapathId is { } dpid ? new OpenFlow.DatapathId(dpid).ToString() : null,
            h.TunnelIp.ToString(),
            h.SystemId,
            NetworkMtu.UnderlayOf(h, store.DefaultUnderlayMtu),
            h.UnderlayMtu);

    public static PortResponse ToResponse(this PortDetails d, TenantStore store)
    {
        var p = d.Port;
        var network = store.FindNetwork(p.NetworkId)?.Network;
        var host = store.FindHost(p.HostId);
        return new PortResponse(
            p.Id,
            p.NetworkId,
            p.HostId,
            new OpenFlow.MacAddress(p.Mac).ToString(),
            p.Ip?.ToString(),
            p.Name,
            d.Vlan,
            network?.Name,
            network?.SegmentId,
            host?.Name,
            host?.TunnelIp.ToString(),
            p.Ipv6?.ToString());
    }

    public static TunnelPortResponse ToResponse(this TunnelPortInfo t, TenantStore store)
    {
        var host = store.FindHost(t.HostId);
        var remote = store.FindHost(t.RemoteHostId);
        return new TunnelPortResponse(
            t.Id,
            t.HostId,
            t.PortName,
            t.RemoteHostId,
            t.TunnelType,
            host?.Name,
            remote?.Name,
            remote?.TunnelIp.ToString());
    }

    public static SwitchResponse ToResponse(this SwitchInfo s, TenantStore store) =>
        s.ToResponse(store.FindHostByDatapathId(s.DatapathId)?.Id);

    /// <summary>
    /// Maps every switch with one host lookup table built from the store's in-memory snapshot: a
    /// per-switch store query made the list of 10,000 switches take most of a second.
    /// </summary>
    public static List<SwitchResponse> ToResponses(this IReadOnlyList<SwitchInfo> switches, TenantStore store)
    {
        var hostByDpid = new Dictionary<ulong, string>();
        foreach (var h in store.Current.Hosts)
        {
            if (h.DatapathId is { } dpid)
            {
                hostByDpid[dpid] = h.Id;
            }
        }

        var list = new List<SwitchResponse>(switches.Count);
        foreach (var s in switches)
        {
            list.Add(s.ToResponse(hostByDpid.GetValueOrDefault(s.DatapathId)));
        }

        return list;
    }

    private static SwitchResponse ToResponse(this SwitchInfo s, string? hostId) => new(
        new OpenFlow.DatapathId(s.DatapathId).ToString(),
        s.RemoteAddress,
        s.Ports,
        s.Role,
        s.ConnectedSince,
        s.MessagesIn,
        s.MessagesOut,
        s.Errors,
        s.App,
        hostId);

    public static SwitchReconcileResponse ToResponse(this SwitchReconcileInfo r) =>
        new(new OpenFlow.DatapathId(r.DatapathId).ToString(), r.State, r.ConfirmedVersion, r.LastReconcile, r.DesiredFlows, r.InstalledFlows, r.DriftRepairs, r.FlowMonitor, r.MonitorDriftEvents, r.BundleCommits);

    public static SwitchFlowsResponse ToResponse(this SwitchFlowsInfo f) =>
        new(new OpenFlow.DatapathId(f.DatapathId).ToString(), f.Desired, f.Installed, f.LastReconcile, f.State, f.ConfirmedVersion, f.DriftRepairs, f.FlowMonitor, f.MonitorDriftEvents, f.BundleCommits);
}
