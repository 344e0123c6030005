using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Controller.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the controller's metrics (one private registry per host), their options (section <c>Metrics</c>,
    /// validated on start) and the switch poller behind the per-switch and per-port series (a hosted service;
    /// needs the OpenFlow server registered).
    /// </summary>
    public static IServiceCollection AddControllerMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MetricsOptions>()
            .Bind(configuration.GetSection(MetricsOptions.SectionName))
            .Validate(o => o.PortStatsInterval is not { } i || i == TimeSpan.Zero || i >= TimeSpan.FromSeconds(1), "Metrics:PortStatsInterval must be at least 1 second (or empty or 0 to turn port statistics off).")
            .Validate(o => o.PortStatsConcurrency is >= 1 and <= 65536, "Metrics:PortStatsConcurrency must be 1..65536.")
            .Validate(o => o.MaxPortsPerSwitch is >= 1 and <= 65536, "Metrics:MaxPortsPerSwitch must be 1..65536.")
            .ValidateOnStart();
        services.TryAddSingleton<ControllerMetrics>();
        services.TryAddSingleton<SwitchMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<SwitchMetrics>());
        return services;
    }
}
