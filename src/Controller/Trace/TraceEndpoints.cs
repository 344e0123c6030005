using Apps.Trace;
using Controller.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Controller.Trace;

/// <summary>
/// <c>GET /api/v1/trace</c>: the path of a packet through the host's br-tun and, across tunnels, the
/// receiving hosts' br-tun, computed from the flows the controller wants on each connected switch.
/// 400 for a bad or missing field (named), 404 for an unknown host, 409 when its switch is not connected.
/// </summary>
internal static class TraceEndpoints
{
    public static RouteGroupBuilder MapTrace(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/trace", Results<Ok<TraceResponse>, ContentHttpResult> (HttpRequest request, TenantStore store, IServiceProvider services) =>
            {
                var query = TraceQuery.Parse(request.Query);
                var source = services.GetService<ITraceSource>()
                    ?? throw new StoreConflictException("packet traces need the flow runtime, which this process does not run.");
                var state = store.Current;
                var host = state.Hosts.FirstOrDefault(h => string.Equals(h.Id, query.Host, StringComparison.Ordinal))
                    ?? state.Hosts.FirstOrDefault(h => string.Equals(h.Name, query.Host, StringComparison.Ordinal))
                    ?? throw new EntityNotFoundException("host", query.Host);
                var view = (host.DatapathId is { } dpid ? source.View(dpid) : null)
                    ?? throw new StoreConflictException(
                        host.DatapathId is { } known
                            ? $"the switch of host {host.Id} (dpid {new OpenFlow.DatapathId(known)}) is not connected."
                            : $"host {host.Id} has no datapath id yet (its br-tun has not been learned over OVSDB).",
                        "host");
                var inPort = query.ResolveInPort(view);
                var hops = new OverlayTracer(source.BrTun).Trace(state, host, query.Packet with { InPort = inPort }, source.View);
                return query.Text
                    ? TypedResults.Text(TraceText.Format(hops), "text/plain; charset=utf-8")
                    : TypedResults.Ok(hops.ToResponse(host.Id, inPort));
            })
            .WithTags("trace")
            .WithName("TracePacket")
            .WithDescription("Traces a packet (fields or frame hex) entering a host's br-tun on inPort through the controller's desired flows, following tunnels to the receiving hosts.");
        return api;
    }
}
