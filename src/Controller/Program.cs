using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Controller.Api;
using Controller.Cluster;
using Controller.Hosts;
using Controller.Metrics;
using Controller.Switches;
using Controller.Runtime;
using Controller.Store;
using Controller.Web;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using Controller.Plumbing;
using Serilog;

namespace Controller;

/// <summary>
/// Composition root of the controller process: tenant store, REST API, metrics and (added by the OpenFlow
/// work) the OpenFlow server, all in one Kestrel host.
/// </summary>
public static class ControllerHost
{
    public static async Task Main(string[] args)
    {
        await using var app = Build(args, configure: null, ownsProcess: true);
        await app.RunAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the host without starting it. Configuration comes from appsettings.json, environment and
    /// <paramref name="args"/> (e.g. <c>--Rest:Urls=http://127.0.0.1:0 --Store:Path=/tmp/x.db</c>), so tests
    /// can start it in-process on a free port. The store is opened here, so a bad store path fails fast.
    /// </summary>
    /// <param name="configure">Optional extra registrations (tests use it for fakes), applied at the OpenFlow registration point.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        Build(args, configure, ownsProcess: false);

    /// <param name="ownsProcess">
    /// True from <see cref="Main"/> only: then settings that are the whole process's (socket completions) are
    /// applied. A test host shares its process with other tests, whose sockets may already exist.
    /// </param>
    private static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure, bool ownsProcess)
    {
        // appsettings.json is read from beside the binary, whatever the working directory; relative store
        // paths still resolve against the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var config = builder.Configuration;
        KnownSettings.Check(config);
        // A test host only checks: its process's sockets may exist already, and other tests share it.
        var completions = SocketCompletions.Apply(config, setVariable: ownsProcess);

        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(config)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture));

        builder.Services.AddOptions<StoreOptions>()
            .Bind(config.GetSection(StoreOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<RestOptions>()
            .Bind(config.GetSection(RestOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => SplitUrls(o.Urls).All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"), "Rest:Urls must be absolute http(s) URLs separated by ';'.")
            .Validate(o => string.IsNullOrEmpty(o.Token) || !string.Equals(o.Token, o.ReadToken, StringComparison.Ordinal), "Rest:Token and Rest:ReadToken must differ.")
            .ValidateOnStart();
        builder.Services.AddOptions<PlumbingOptions>()
            .Bind(config.GetSection(PlumbingOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.PatchTunPort != o.PatchIntPort && o.IntegrationBridge != o.TunnelBridge, "Plumbing: the two bridges and the two patch ports need distinct names.")
            .ValidateOnStart();
        var rest = config.GetSection(RestOptions.SectionName).Get<RestOptions>() ?? new RestOptions();
        builder.WebHost.UseUrls(SplitUrls(rest.Urls));

        builder.Services.AddSingleton(sp =>
        {
            var store = TenantStore.Open(
                sp.GetRequiredService<IOptions<StoreOptions>>().Value,
                sp.GetRequiredService<ILogger<TenantStore>>());
            store.DefaultUnderlayMtu = sp.GetRequiredService<IOptions<PlumbingOptions>>().Value.UnderlayMtu;
            return store;
        });
        builder.Services.AddControllerMetrics(config);

        // OpenFlow server registration goes here
        // (it registers the real ISwitchDirectory; the placeholder below only fills in when nothing else did).
        builder.Services.AddOpenFlowServer(config);
        builder.Services.AddControllerRuntime(config);
        builder.Services.AddOvsdbManagement(config);
        builder.Services.AddControllerCluster(config);
        configure?.Invoke(builder);
        builder.Services.TryAddSingleton<ISwitchDirectory, EmptySwitchDirectory>();

        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemExceptionHandler.FillInDetail);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddWebUi();

        var app = builder.Build();
        var store = app.Services.GetRequiredService<TenantStore>();
        var metrics = app.Services.GetRequiredService<ControllerMetrics>();
        metrics.Track(store);

        // The cluster's series exist on a single controller too (all 0), so dashboards find every panel's metric.
        _ = app.Services.GetRequiredService<ClusterMetrics>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ControllerHost));
        var snapshot = store.Current;
        ControllerLog.StoreOpened(
            log,
            store.Backend + " " + store.Location,
            snapshot.Networks.Length,
            snapshot.Hosts.Length,
            snapshot.Ports.Length);
        if (ownsProcess)
        {
            ControllerLog.SocketCompletions(log, completions.Inline ? "inline" : "on the thread pool", completions.Why);
        }
        if (string.IsNullOrEmpty(rest.Token) && string.IsNullOrEmpty(rest.ReadToken) && !IsLoopbackOnly(rest.Urls))
        {
            ControllerLog.NoToken(log, rest.Urls);
        }

        // Outermost first, so metrics and the request log see the status the client finally gets.
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseSerilogRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<BearerTokenMiddleware>();
        app.UseStoreStaleMarker();

        app.MapGet("/healthz", (TenantStore s) => TypedResults.Ok(new HealthResponse("ok", s.Current.Version)))
            .WithName("Health");
        app.MapMetrics("/metrics", metrics.Registry)
            .WithName("Metrics")
            .ExcludeFromDescription();
        app.MapOpenApi();
        app.MapControllerApi();
        app.MapStoreStatus();
        app.MapWebUi();
        return app;
    }

    private static string[] SplitUrls(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopbackOnly(string urls) => SplitUrls(urls)
        .All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost"));

    /// <summary>
    /// camelCase (the web default) and nothing looser: enums only as their documented camelCase strings,
    /// member names matched exactly (the web default would also take "TenantId" or "TENANTID"), unknown
    /// members and duplicate keys refused (a second "tenantId" would otherwise silently win).
    /// </summary>
    internal static JsonOptions ConfigureJson(JsonOptions o)
    {
        o.SerializerOptions.Converters.Add(new StrictEnumConverterFactory(JsonNamingPolicy.CamelCase));
        o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.SerializerOptions.PropertyNameCaseInsensitive = false;
        o.SerializerOptions.AllowDuplicateProperties = false;
        return o;
    }
}
