using System.Collections.Frozen;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Net.Http.Headers;
using Scalar.AspNetCore;

namespace Controller.Web;

/// <summary>
/// The web view: its pages at <c>/</c> and <c>/ui/*</c> (embedded in this assembly: the page needs no
/// internet), the event stream at <c>/api/v1/events</c> and the API reference at <c>/scalar/v1</c>.
/// The pages are plain HTML and JS that call the same REST API as curl, so writes go through the same
/// validation; they never put data into markup (textContent and graph labels only), and the
/// Content-Security-Policy forbids inline script as a second line against injected names.
/// </summary>
internal static class WebUiEndpoints
{
    private const string ResourcePrefix = "webui/";

    /// <summary>
    /// Scripts from this origin only (no inline script, no eval), no plugins, no framing. Inline styles are
    /// allowed: cytoscape adds a style element for its canvas.
    /// </summary>
    private const string Csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Assets = new(LoadAssets);

    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddSingleton<LiveEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveEvents>());
        return services;
    }

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, "index.html"))
            .ExcludeFromDescription();
        app.MapGet("/ui/{**path}", (string path, HttpContext http) => Serve(http, path))
            .ExcludeFromDescription();
        app.MapGet("/api/v1/events", (LiveEvents hub, IHostApplicationLifetime life, CancellationToken aborted) =>
                TypedResults.ServerSentEvents(Stream(hub, life.ApplicationStopping, aborted)))
            .WithTags("events")
            .WithName("Events")
            .WithDescription("Server-sent events: one 'hello', then one event per store snapshot and per switch connect, disconnect or port change, and a 'ping' every 15 s. A slow client loses the oldest events (counted in 'dropped'); every event means: refetch.");
        // Offline: Scalar's script is served from its package; no web fonts, telemetry, AI agent or MCP
        // calls to its vendor's servers.
        app.MapScalarApiReference(o => o
            .WithTitle("ofcontroller REST API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideClientButton()
            .WithFavicon("/ui/favicon.svg"));
        return app;
    }

    private static async IAsyncEnumerable<SseItem<LiveEvent>> Stream(
        LiveEvents hub,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken aborted)
    {
        using var client = hub.Connect();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        while (true)
        {
            LiveEvent e;
            try
            {
                if (!await client.Reader.WaitToReadAsync(both.Token).ConfigureAwait(false))
                {
                    yield break;
                }

                if (!client.Reader.TryRead(out e!))
                {
                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            yield return new SseItem<LiveEvent>(e, e.Kind);
        }
    }

    private static IResult Serve(HttpContext http, string path)
    {
        if (!Assets.Value.TryGetValue(path, out var bytes))
        {
            return TypedResults.NotFound();
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = Csp;
        headers["Referrer-Policy"] = "no-referrer";
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        return TypedResults.Bytes(bytes, type);
    }

    private static FrozenDictionary<string, byte[]> LoadAssets()
    {
        var assembly = typeof(WebUiEndpoints).Assembly;
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[name[ResourcePrefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
