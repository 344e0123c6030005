using System.Net.Http.Json;
using System.Text.Json;
using Controller;
using Controller.Switches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Web.Tests;

/// <summary>
/// The real controller, in-process on a free loopback port with a store in a temp directory, and
/// optionally a fixed switch directory (no OpenFlow switch needed to show a switch page).
/// </summary>
internal sealed class WebHost : IAsyncDisposable
{
    private readonly string _dir;

    private WebHost(WebApplication app, string dir, Uri baseAddress)
    {
        App = app;
        _dir = dir;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<WebHost> StartAsync(ISwitchDirectory? switches = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-web-" + Guid.NewGuid().ToString("n"));
        string[] args =
        [
            "--Rest:Urls=http://127.0.0.1:0",
            $"--Store:Path={Path.Combine(dir, "controller.db")}",
            "--Serilog:MinimumLevel:Default=Warning",
            "--OpenFlow:Address=127.0.0.1",
            "--OpenFlow:Port=0",
            "--Ovsdb:Listen=127.0.0.1:0",
        ];
        var app = ControllerHost.Build(args, b =>
        {
            if (switches is not null)
            {
                b.Services.AddSingleton(switches);
            }
        });
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new WebHost(app, dir, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            DeleteDir(dir);
            throw;
        }
    }

    /// <summary>POSTs a body and returns the created entity's id; fails the test on any other status.</summary>
    public async Task<string> CreateAsync(string path, object body)
    {
        using var r = await Client.PostAsJsonAsync(new Uri($"/api/v1/{path}", UriKind.Relative), body).ConfigureAwait(false);
        var text = await r.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.That((int)r.StatusCode, Is.EqualTo(201), $"POST {path}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var text = await Client.GetStringAsync(new Uri($"/api/v1/{path}", UriKind.Relative)).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        DeleteDir(_dir);
    }

    private static void DeleteDir(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
