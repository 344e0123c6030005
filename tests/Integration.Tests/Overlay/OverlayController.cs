using Tests.Shared;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Controller;
using Controller.Runtime;
using Integration.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Overlay;

/// <summary>
/// The whole controller (REST, store, OpenFlow server, flow runtime) started in-process by
/// <see cref="ControllerHost.Build"/> on free loopback ports with its LiteDB file in a temp directory,
/// plus a small REST client. <see cref="RestartAsync"/> disposes the host and starts a new one on the same
/// ports and database file, like an operator restarting the process.
/// </summary>
internal sealed class OverlayController : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private WebApplication? _app;

    private OverlayController(string directory, int restPort, int openFlowPort, IReadOnlyDictionary<string, string?> settings)
    {
        Directory = directory;
        RestPort = restPort;
        OpenFlowPort = openFlowPort;
        _settings = settings;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}/api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }

    public int RestPort { get; }

    public int OpenFlowPort { get; }

    public HttpClient Http { get; }

    public WebApplication App => _app ?? throw new InvalidOperationException("controller is not running");

    public FlowRuntime Runtime => App.Services.GetRequiredService<FlowRuntime>();

    /// <param name="settings">Extra configuration, e.g. <c>["Runtime:L2Population"] = "Off"</c>.</param>
    public static async Task<OverlayController> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-e2e-" + Guid.NewGuid().ToString("n")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var controller = new OverlayController(dir, FreeTcpPort(), FreeTcpPort(), settings ?? new Dictionary<string, string?>());
        try
        {
            await controller.StartHostAsync().ConfigureAwait(false);
            return controller;
        }
        catch
        {
            await controller.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the host (switches keep their flows: fail_mode=secure) and starts a new one on the same ports and store.</summary>
    public async Task RestartAsync()
    {
        await StopHostAsync().ConfigureAwait(false);
        await StartHostAsync().ConfigureAwait(false);
    }

    // ----- REST ------------------------------------------------------------------------------------

    public async Task<JsonNode> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await Http.DeleteAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"DELETE {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    public async Task<string> CreateTenantAsync(string name) => Id(await PostAsync("tenants", new { name }).ConfigureAwait(false));

    public async Task<string> CreateNetworkAsync(string tenantId, string name, TunnelType tunnel, uint segmentId) =>
        Id(await PostAsync("networks", new { tenantId, name, tunnelType = tunnel.Name(), segmentId }).ConfigureAwait(false));

    public async Task<string> CreateHostAsync(string name, string datapathId, string tunnelIp) =>
        Id(await PostAsync("hosts", new { name, datapathId, tunnelIp }).ConfigureAwait(false));

    /// <summary>Declares a VM port; returns its id and the local VLAN to tag it with on br-int.</summary>
    public async Task<(string Id, int Vlan)> CreatePortAsync(string networkId, string hostId, string mac, string ip, string name, string? ipv6 = null)
    {
        var port = await PostAsync("ports", new { networkId, hostId, mac, ip, name, ipv6 }).ConfigureAwait(false);
        return (Id(port), port["vlan"]!.GetValue<int>());
    }

    /// <summary>GET /switches/{dpid}/flows.</summary>
    public Task<JsonNode> FlowsAsync(ulong datapathId) => GetAsync($"switches/{datapathId.ToString("x16", CultureInfo.InvariantCulture)}/flows");

    /// <summary>The value of a label-less Prometheus series at /metrics (0 when absent).</summary>
    public async Task<double> MetricAsync(string name)
    {
        var text = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{RestPort}/metrics")).ConfigureAwait(false);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Polls until every listed switch is connected and holds exactly what its app wants now.</summary>
    public Task WaitInSyncAsync(IEnumerable<ulong> datapathIds, TimeSpan? timeout = null)
    {
        var ids = datapathIds.ToList();
        return Poll.UntilAsync(
            () => ids.All(Runtime.IsInSync),
            timeout ?? TimeSpan.FromSeconds(20),
            $"switches {string.Join(", ", ids.Select(d => d.ToString("x16", CultureInfo.InvariantCulture)))} to be in sync",
            TimeSpan.FromMilliseconds(50));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopHostAsync().ConfigureAwait(false);
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();

    private async Task StartHostAsync()
    {
        var args = new List<string>
        {
            $"--Rest:Urls=http://127.0.0.1:{RestPort}",
            $"--Store:Path={Path.Combine(Directory, "controller.db")}",
            "--OpenFlow:Address=127.0.0.1",
            $"--OpenFlow:Port={OpenFlowPort}",
            "--Ovsdb:Listen=127.0.0.1:0",
            "--Serilog:MinimumLevel:Default=Warning",
        };
        args.AddRange(_settings.Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = ControllerHost.Build([.. args]);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _app = app;
    }

    private async Task StopHostAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await app.StopAsync(cts.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
