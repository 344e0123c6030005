using Controller.Store;

namespace Controller.Api;

/// <summary>
/// The store's own status, and the stale marker on every API answer: while the store is stale (etcd without
/// quorum or unreachable) every response carries <c>X-Store-Stale: true</c>, so a client knows a read may be
/// behind; writes answer 503 then (<see cref="StoreUnavailableException"/>).
/// </summary>
internal static class StoreEndpoints
{
    public const string StaleHeader = "X-Store-Stale";

    public static IEndpointRouteBuilder MapStoreStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/store", (TenantStore s) =>
                TypedResults.Ok(new StoreStatusResponse(s.Backend, s.Location, s.IsStale, s.Revision, s.Current.Version)))
            .WithName("GetStoreStatus")
            .WithTags("store")
            .WithDescription("Store backend and staleness: stale is true while etcd has no quorum (reads may be behind, writes answer 503).");
        return app;
    }

    /// <summary>Marks every response while the store is stale. Registered before the endpoints.</summary>
    public static IApplicationBuilder UseStoreStaleMarker(this IApplicationBuilder app)
    {
        var store = app.ApplicationServices.GetRequiredService<TenantStore>();
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (store.IsStale)
                {
                    context.Response.Headers[StaleHeader] = "true";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
