using System.Globalization;
using Controller.Hosts;
using Controller.Store;
using Controller.Switches;
using Microsoft.Extensions.Options;

namespace Controller.Cluster;

/// <summary>GET /api/v1/cluster: members, leases, masterships and host writers; served by every member (from etcd).</summary>
internal static class ClusterEndpoints
{
    public static void MapCluster(RouteGroupBuilder api)
    {
        api.MapGet("/cluster", async (IServiceProvider services, IOptions<ClusterOptions> options, ISwitchDirectory switches, TenantStore store, CancellationToken ct) =>
            {
                if (services.GetService<ClusterMembership>() is { } membership)
                {
                    var view = await membership.DescribeAsync(ct).ConfigureAwait(false);
                    return TypedResults.Ok(view with { Hosts = [.. view.Hosts.Select(h => h with { HostId = store.FindHostBySystemId(h.Id)?.Id })] });
                }

                // One controller: it is the only member, masters every switch and writes every host connected to it.
                var self = options.Value.MemberId;
                var hosts = services.GetService<OvsdbManager>()?.Connections().Where(c => c.Connected && c.SystemId is not null) ?? [];
                return TypedResults.Ok(new ClusterView(
                    false,
                    self,
                    null,
                    true,
                    [new ClusterMemberView(self, options.Value.Advertise, "0", 0, true)],
                    [.. switches.List().Select(s => new MastershipView(s.DatapathId.ToString("x16", CultureInfo.InvariantCulture), self, 0, "0"))],
                    [.. hosts.Select(h => new MastershipView(h.SystemId!, self, 0, "0", h.HostId))],
                    0,
                    0,
                    0,
                    0));
            })
            .WithTags("cluster")
            .WithName("GetCluster");
    }
}
