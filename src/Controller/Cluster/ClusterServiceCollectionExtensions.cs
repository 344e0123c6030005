using Controller.Hosts;
using Controller.Switches;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Controller.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Cluster</c> and, when <c>Cluster:Enabled</c> is true, registers the etcd membership as a
    /// hosted service, as the OpenFlow sessions' <see cref="IRoleArbiter"/> and as the OVSDB sessions'
    /// <see cref="IHostWriterGate"/>. Off, nothing else changes.
    /// </summary>
    public static IServiceCollection AddControllerCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ClusterOptions>()
            .Bind(configuration.GetSection(ClusterOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.LeaseTtl >= TimeSpan.FromSeconds(1) && o.PollInterval > TimeSpan.Zero && o.PollInterval < o.LeaseTtl, "Cluster: LeaseTtl must be at least 1 s and PollInterval positive and shorter than it.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Etcd.Endpoints), "Cluster:Etcd:Endpoints is required when Cluster:Enabled is true.")
            .ValidateOnStart();
        services.TryAddSingleton<ClusterMetrics>();
        if (configuration.GetSection(ClusterOptions.SectionName).GetValue<bool>(nameof(ClusterOptions.Enabled)))
        {
            services.TryAddSingleton<ClusterMembership>();
            services.TryAddSingleton<IRoleArbiter>(sp => sp.GetRequiredService<ClusterMembership>());
            services.TryAddSingleton<IHostWriterGate>(sp => sp.GetRequiredService<ClusterMembership>());
            services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        }

        return services;
    }
}
