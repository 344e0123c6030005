using Controller.Switches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenFlow;

namespace Integration.Tests.Switches;

/// <summary>The OpenFlow server alone, in a minimal generic host on a free loopback port.</summary>
internal sealed class InProcessController : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessController(IHost host)
    {
        _host = host;
        Server = host.Services.GetRequiredService<OpenFlowServer>();
        Registry = host.Services.GetRequiredService<SwitchRegistry>();
    }

    public OpenFlowServer Server { get; }

    public SwitchRegistry Registry { get; }

    public int Port => Server.BoundEndPoint!.Port;

    public static async Task<InProcessController> StartAsync(
        IDictionary<string, string?>? overrides = null,
        string address = "127.0.0.1",
        Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenFlow:Address"] = address,
            ["OpenFlow:Port"] = "0",
            ["OpenFlow:EchoInterval"] = "00:00:01",
            ["OpenFlow:EchoTimeout"] = "00:00:03",
            ["OpenFlow:HandshakeTimeout"] = "00:00:03",
            ["OpenFlow:RequestTimeout"] = "00:00:05",
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging(logging =>
        {
            // OF_TEST_LOG=1 shows the server's log on the console (Debug level) when investigating a test.
            if (Environment.GetEnvironmentVariable("OF_TEST_LOG") == "1")
            {
                logging.AddSimpleConsole(o => o.IncludeScopes = true).SetMinimumLevel(LogLevel.Debug);
            }
        });
        configureServices?.Invoke(builder.Services);
        builder.Services.AddOpenFlowServer(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new InProcessController(host);
    }

    /// <summary>Polls the registry until <paramref name="condition"/> holds or the timeout passes.</summary>
    public async Task<bool> WaitForAsync(Func<SwitchRegistry, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (condition(Registry))
            {
                return true;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return condition(Registry);
    }

    public Task<bool> WaitForSwitchAsync(ulong dpid, TimeSpan timeout) =>
        WaitForAsync(r => r.Find(new DatapathId(dpid)) is not null, timeout);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
