using Controller.Switches;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Controller.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the flow runtime (hosted service that programs every connected switch from the tenant
    /// store), its options (section <c>Runtime</c>, validated on start), the runtime as the
    /// <see cref="ISwitchFlowsSource"/> behind <c>/api/v1/switches/{dpid}/flows</c> and the
    /// <see cref="Trace.ITraceSource"/> behind <c>/api/v1/trace</c>, and the controller's
    /// metrics as the OpenFlow server's <see cref="IOpenFlowMetrics"/> (replacing the no-op default).
    /// Call together with <see cref="OpenFlowServiceCollectionExtensions.AddOpenFlowServer"/>, in either order.
    /// </summary>
    public static IServiceCollection AddControllerRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RuntimeOptions>()
            .Bind(configuration.GetSection(RuntimeOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeOptions>, RuntimeOptionsValidator>());
        services.RemoveAll<IOpenFlowMetrics>();
        services.AddSingleton<IOpenFlowMetrics, ControllerOpenFlowMetrics>();
        services.TryAddSingleton<FlowRuntime>();
        services.TryAddSingleton<ISwitchFlowsSource>(sp => sp.GetRequiredService<FlowRuntime>());
        services.TryAddSingleton<Trace.ITraceSource>(sp => sp.GetRequiredService<FlowRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<FlowRuntime>());
        return services;
    }
}
