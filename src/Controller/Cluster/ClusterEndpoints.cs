using System.Globalization;
using Controller.Switches;
using Microsoft.Extensions.Options;

namespace Controller.Cluster;

/// <summary>GET /api/v1/cluster: members, leases and masterships; served by every member (from etcd).</summary>
internal static class ClusterEndpoints
{
    public static void MapCluster(RouteGroupBuilder api)
    {
        api.MapGet("/cluster", async (IServiceProvider services, IOptions<ClusterOptions> options, ISwitchDirectory switches, CancellationToken ct) =>
            {
                if (services.GetService<ClusterMembership>() is { } membership)
                {
                    return TypedResults.Ok(await membership.DescribeAsync(ct).ConfigureAwait(false));
                }

                // One controller: it is the only member and masters every switch connected to it.
                var self = options.Value.MemberId;
                return TypedResults.Ok(new ClusterView(
                    false,
                    self,
                    null,
                    true,
                    [new ClusterMemberView(self, options.Value.Advertise, "0", 0, true)],
                    [.. switches.List().Select(s => new MastershipView(s.DatapathId.ToString("x16", CultureInfo.InvariantCulture), self, 0, "0"))],
                    [],
                    0,
                    0));
            })
            .WithTags("cluster")
            .WithName("GetCluster");
    }
}
