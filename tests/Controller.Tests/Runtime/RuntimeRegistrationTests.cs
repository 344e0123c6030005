using Controller.Metrics;
using Controller.Switches;
using Controller.Runtime;
using Controller.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Controller.Tests.Runtime;

[TestFixture]
public sealed class RuntimeRegistrationTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void MetricsHook_FlowsSource_AndHostedService_AreWired_InEitherOrder(bool serverFirst)
    {
        using var sp = Build(new() { ["OpenFlow:Port"] = "0" }, serverFirst);
        var runtime = sp.GetRequiredService<FlowRuntime>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sp.GetServices<IOpenFlowMetrics>().Single(), Is.InstanceOf<ControllerOpenFlowMetrics>());
            Assert.That(sp.GetRequiredService<ISwitchFlowsSource>(), Is.SameAs(runtime));
            Assert.That(sp.GetServices<IHostedService>().OfType<FlowRuntime>().Single(), Is.SameAs(runtime));
        }
    }

    [Test]
    public void Options_BindFromTheRuntimeSection()
    {
        using var sp = Build(new()
        {
            ["Runtime:DefaultApp"] = "L2Learning",
            ["Runtime:Apps:00000000000000b1"] = "BrTun",
            ["Runtime:L2Population"] = "Off",
            ["Runtime:Debounce"] = "00:00:00.250",
        });
        var o = sp.GetRequiredService<IOptions<RuntimeOptions>>().Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.DefaultApp, Is.EqualTo(AppSelection.L2Learning));
            Assert.That(o.Apps["00000000000000B1"], Is.EqualTo(AppSelection.BrTun));
            Assert.That(o.L2Population, Is.EqualTo(Apps.Overlay.L2PopulationMode.Off));
            Assert.That(o.Debounce, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        }
    }

    [TestCase("Runtime:Apps:not-a-dpid", "BrTun", "not a datapath id")]
    [TestCase("Runtime:Debounce", "-00:00:01", "Debounce")]
    [TestCase("Runtime:LearnHardTimeout", "0", "LearnHardTimeout")]
    public void BadOptions_AreRefused(string key, string value, string message)
    {
        using var sp = Build(new() { [key] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => _ = sp.GetRequiredService<IOptions<RuntimeOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain(message));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, bool serverFirst = true)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ControllerMetrics>();
        services.AddSingleton(_ => TenantStore.Open(new MemoryStream()));
        if (serverFirst)
        {
            services.AddOpenFlowServer(config);
            services.AddControllerRuntime(config);
        }
        else
        {
            services.AddControllerRuntime(config);
            services.AddOpenFlowServer(config);
        }

        return services.BuildServiceProvider();
    }
}
