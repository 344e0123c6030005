using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Controller.Tests.Api;

/// <summary>The real controller host, started in-process on a free loopback port with a store in a temp directory.</summary>
internal sealed class ControllerTestHost : IAsyncDisposable
{
    private readonly string? _ownedDir;

    private ControllerTestHost(WebApplication app, string? ownedDir, Uri baseAddress)
    {
        App = app;
        _ownedDir = ownedDir;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="directory">Store directory to use and keep (the caller deletes it); by default a temp one deleted on dispose.</param>
    public static async Task<ControllerTestHost> StartAsync(string? token = null, Action<WebApplicationBuilder>? configure = null, string? directory = null)
    {
        var dir = directory ?? Path.Combine(Path.GetTempPath(), "ofc-rest-" + Guid.NewGuid().ToString("n"));
        var ownedDir = directory is null ? dir : null;
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

        var app = ControllerHost.Build([.. args], configure);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ControllerTestHost(app, ownedDir, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (ownedDir is not null && Directory.Exists(ownedDir))
            {
                Directory.Delete(ownedDir, recursive: true);
            }

            throw;
        }
    }

    public HttpClient AuthorizedClient(string token)
    {
        var c = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = Client.Timeout };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        if (_ownedDir is not null && Directory.Exists(_ownedDir))
        {
            Directory.Delete(_ownedDir, recursive: true);
        }
    }
}
