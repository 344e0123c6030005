using Controller.Switches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Controller.Tests.Switches;

[TestFixture]
public sealed class AddOpenFlowServerTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISwitchDirectory, EmptySwitchDirectory>();
        services.AddOpenFlowServer(config);
        return services.BuildServiceProvider();
    }

    [Test]
    public void RegistersTheRegistryEverywhereAndReplacesTheDirectory()
    {
        using var sp = Build(new() { ["OpenFlow:Port"] = "0", ["OpenFlow:EchoInterval"] = "00:00:02" });
        var registry = sp.GetRequiredService<SwitchRegistry>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sp.GetServices<ISwitchDirectory>().Single(), Is.InstanceOf<SwitchDirectory>());
            Assert.That(sp.GetRequiredService<ISwitchRegistry>(), Is.SameAs(registry));
            Assert.That(sp.GetRequiredService<ISwitchEvents>(), Is.SameAs(registry));
            Assert.That(sp.GetRequiredService<IOpenFlowMetrics>(), Is.InstanceOf<NullOpenFlowMetrics>());
            Assert.That(sp.GetServices<IHostedService>().OfType<Controller.Switches.OpenFlowServer>().Count(), Is.EqualTo(1));
            Assert.That(sp.GetRequiredService<IOptions<OpenFlowServerOptions>>().Value.EchoInterval, Is.EqualTo(TimeSpan.FromSeconds(2)));
        }
    }

    [Test]
    public void DefaultsMatchTheSpecification()
    {
        var o = new OpenFlowServerOptions();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.Address, Is.EqualTo("0.0.0.0"));
            Assert.That(o.Port, Is.EqualTo(6653));
            Assert.That(o.EchoInterval, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(o.EchoTimeout, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(o.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(o.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
        }
    }

    [TestCase("OpenFlow:Address", "not-an-ip")]
    [TestCase("OpenFlow:Port", "70000")]
    [TestCase("OpenFlow:EchoTimeout", "00:00:01")]
    [TestCase("OpenFlow:RequestTimeout", "00:00:00")]
    public void InvalidSettingsAreRejected(string key, string value)
    {
        using var sp = Build(new() { [key] = value });
        Assert.That(() => sp.GetRequiredService<IOptions<OpenFlowServerOptions>>().Value, Throws.InstanceOf<OptionsValidationException>());
    }

    [Test]
    public void AnEarlierMetricsRegistrationWins()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IOpenFlowMetrics, CountingMetrics>();
        services.AddOpenFlowServer(new ConfigurationBuilder().Build());
        Assert.That(services.Count(d => d.ServiceType == typeof(IOpenFlowMetrics)), Is.EqualTo(1));
    }

    private sealed class CountingMetrics : IOpenFlowMetrics
    {
        public void MessageIn(OpenFlow.Protocol.OfpType type)
        {
        }

        public void MessageOut(OpenFlow.Protocol.OfpType type)
        {
        }

        public void Error(OpenFlowErrorKind kind)
        {
        }

        public void SwitchConnected()
        {
        }

        public void SwitchDisconnected()
        {
        }

        public void BarrierLatency(TimeSpan latency)
        {
        }
    }
}
