using Controller.Plumbing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Controller.Hosts;

public static class OvsdbServiceCollectionExtensions
{
    /// <summary>
    /// Registers host plumbing over OVSDB: options (section <c>Ovsdb</c>, validated on start), the manager
    /// (a hosted service listening for hosts' ovsdb-servers and dialing configured ones) and what it needs.
    /// Needs the tenant store, the controller metrics and <see cref="PlumbingOptions"/> registered.
    /// </summary>
    public static IServiceCollection AddOvsdbManagement(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OvsdbOptions>()
            .Bind(configuration.GetSection(OvsdbOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OvsdbOptions>, OvsdbOptionsValidator>());
        services.TryAddSingleton<IHostInventory>(sp => new TenantStoreHostInventory(sp.GetRequiredService<Store.TenantStore>()));
        services.TryAddSingleton<IDesiredHostSource>(sp => new PlumbingDesiredHostSource(sp.GetRequiredService<IOptions<PlumbingOptions>>().Value.ToSettings()));
        services.TryAddSingleton<OvsdbMetrics>();
        services.TryAddSingleton<Security.TlsRefusals>();
        services.TryAddSingleton<OvsdbManager>();
        services.AddHostedService(sp => sp.GetRequiredService<OvsdbManager>());
        return services;
    }
}
