using Controller;
using Controller.Switches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Cli.Tests;

/// <summary>The real controller host, in-process on a free loopback port, with a store in a temp directory.</summary>
internal sealed class TestController : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;

    private TestController(WebApplication app, string dir, string url)
    {
        _app = app;
        _dir = dir;
        Url = url;
    }

    public string Url { get; }

    public static async Task<TestController> StartAsync(string? token = null, ISwitchDirectory? switches = null, Action<WebApplicationBuilder>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-cli-" + Guid.NewGuid().ToString("n"));
        var args = new List<string>
        {
            "--Rest:Urls=http://127.0.0.1:0",
            $"--Store:Path={Path.Combine(dir, "controller.db")}",
            "--Serilog:MinimumLevel:Default=Warning",
            "--OpenFlow:Address=127.0.0.1",
            "--OpenFlow:Port=0",
            "--Ovsdb:Listen=127.0.0.1:0",
        };
        if (token is not null)
        {
            args.Add($"--Rest:Token={token}");
        }

        var app = ControllerHost.Build([.. args], b =>
        {
            if (switches is not null)
            {
                b.Services.AddSingleton(switches);
            }

            configure?.Invoke(b);
        });
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestController(app, dir, address);
    }

    /// <summary>ofc against this controller (--url given).</summary>
    public Task<OfcRun> OfcAsync(params string[] args) => OfcRun.RunAsync(["--url", Url, .. args]);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
