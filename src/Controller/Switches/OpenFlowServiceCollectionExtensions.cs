using Controller.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Controller.Switches;

public static class OpenFlowServiceCollectionExtensions
{
    /// <summary>
    /// Registers the OpenFlow server (hosted service), its options (section <c>OpenFlow</c>, validated
    /// on start), the switch registry as <see cref="ISwitchRegistry"/> and <see cref="ISwitchEvents"/>, a
    /// <see cref="SwitchDirectory"/> over it and the runtime's <see cref="ISwitchFlowsSource"/> (if any) as
    /// <see cref="ISwitchDirectory"/> (replacing any earlier one), and a no-op
    /// <see cref="IOpenFlowMetrics"/> unless one is registered already.
    /// </summary>
    public static IServiceCollection AddOpenFlowServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OpenFlowServerOptions>()
            .Bind(configuration.GetSection(OpenFlowServerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenFlowServerOptions>, OpenFlowServerOptionsValidator>());
        services.TryAddSingleton<IOpenFlowMetrics, NullOpenFlowMetrics>();
        services.TryAddSingleton<TlsRefusals>();
        services.TryAddSingleton<SwitchRegistry>();
        services.RemoveAll<ISwitchDirectory>();
        services.AddSingleton<ISwitchDirectory>(sp => new SwitchDirectory(sp.GetRequiredService<SwitchRegistry>(), sp.GetService<ISwitchFlowsSource>()));
        services.TryAddSingleton<ISwitchRegistry>(sp => sp.GetRequiredService<SwitchRegistry>());
        services.TryAddSingleton<ISwitchEvents>(sp => sp.GetRequiredService<SwitchRegistry>());
        services.TryAddSingleton<OpenFlowServer>();
        services.AddHostedService(sp => sp.GetRequiredService<OpenFlowServer>());
        return services;
    }
}
