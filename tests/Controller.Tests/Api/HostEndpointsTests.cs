using System.Net;
using System.Text.Json;
using Controller.Metrics;
using Controller.Switches;
using OpenFlow.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Controller.Tests.Api;

/// <summary>OpenAPI, /metrics and the switch routes (against a fake directory standing in for the OpenFlow server).</summary>
[TestFixture]
public sealed class HostEndpointsTests
{
    private ControllerTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _host = await ControllerTestHost.StartAsync(configure: b => b.Services.AddSingleton<ISwitchDirectory, FakeSwitchDirectory>());

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task OpenApi_document_lists_every_route()
    {
        var response = await _host.Client.GetAsync("/openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = doc.RootElement.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/api/v1/tenants"] = ["get", "post"],
            ["/api/v1/tenants/{id}"] = ["get", "patch", "delete"],
            ["/api/v1/networks"] = ["get", "post"],
            ["/api/v1/networks/{id}"] = ["get", "patch", "delete"],
            ["/api/v1/hosts"] = ["get", "post"],
            ["/api/v1/hosts/{id}"] = ["get", "put", "patch", "delete"],
            ["/api/v1/ports"] = ["get", "post"],
            ["/api/v1/ports/{id}"] = ["get", "patch", "delete"],
            ["/api/v1/tunnel-ports"] = ["get", "post"],
            ["/api/v1/tunnel-ports/{id}"] = ["get", "delete"],
            ["/api/v1/switches"] = ["get"],
            ["/api/v1/switches/{dpid}"] = ["get"],
            ["/api/v1/switches/{dpid}/flows"] = ["get"],
            ["/api/v1/switches/{dpid}/reconcile"] = ["get"],
            ["/healthz"] = ["get"],
        };
        using (Assert.EnterMultipleScope())
        {
            foreach (var (path, methods) in expected)
            {
                Assert.That(paths.TryGetProperty(path, out var item), Is.True, path);
                if (item.ValueKind == JsonValueKind.Object)
                {
                    Assert.That(item.EnumerateObject().Select(p => p.Name), Is.SupersetOf(methods), path);
                }
            }
        }
    }

    [Test]
    public async Task Metrics_are_prometheus_text_including_openflow_counters()
    {
        var metrics = _host.Service<ControllerMetrics>();
        var openFlow = _host.Service<IOpenFlowMetrics>();
        openFlow.SwitchConnected();
        openFlow.MessageIn(OfpType.Hello);
        openFlow.MessageOut(OfpType.FlowMod);
        metrics.FlowMods(3);
        openFlow.Error(OpenFlowErrorKind.Decode);
        openFlow.BarrierLatency(TimeSpan.FromMilliseconds(2));
        Assert.That((await _host.Client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var response = await _host.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(text, Does.Contain("# TYPE ofcontroller_switches_connected gauge"));
        Assert.That(text, Does.Contain("\nofcontroller_switches_connected 1"));
        Assert.That(text, Does.Contain("ofcontroller_openflow_messages_in_total{type=\"Hello\"} 1"));
        Assert.That(text, Does.Contain("ofcontroller_openflow_messages_out_total{type=\"FlowMod\"} 1"));
        Assert.That(text, Does.Contain("\nofcontroller_flow_mods_total 3"));
        Assert.That(text, Does.Contain("ofcontroller_errors_total{kind=\"decode\"} 1"));
        Assert.That(text, Does.Contain("ofcontroller_barrier_latency_seconds_count 1"));
        Assert.That(text, Does.Contain("ofcontroller_http_requests_total{code=\"200\",method=\"GET\"}"));
        Assert.That(text, Does.Contain("ofcontroller_store_snapshot_version 1"));
        openFlow.SwitchDisconnected();
    }

    [Test]
    public async Task Switches_render_datapath_ids_as_16_hex_digits()
    {
        var list = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/v1/switches")).RootElement;
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        var sw = list[0];
        Assert.That(sw.GetProperty("datapathId").GetString(), Is.EqualTo("0000a1b2c3d4e5f6"));
        Assert.That(sw.GetProperty("ports")[0].GetProperty("name").GetString(), Is.EqualTo("patch-int"));

        var one = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/v1/switches/0000a1b2c3d4e5f6")).RootElement;
        Assert.That(one.GetProperty("app").GetString(), Is.EqualTo("BrTunPipeline"));
        var flows = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/v1/switches/a1b2c3d4e5f6/flows")).RootElement;
        Assert.That(flows.GetProperty("datapathId").GetString(), Is.EqualTo("0000a1b2c3d4e5f6"));
        Assert.That(flows.GetProperty("desired").GetArrayLength(), Is.EqualTo(1));
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/switches/00000000000000ff/flows"), HttpStatusCode.NotFound);

        var reconcile = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/v1/switches/a1b2c3d4e5f6/reconcile")).RootElement;
        Assert.That(reconcile.GetProperty("datapathId").GetString(), Is.EqualTo("0000a1b2c3d4e5f6"));
        Assert.That(reconcile.GetProperty("desiredFlows").GetInt32(), Is.EqualTo(1));
        Assert.That(reconcile.GetProperty("installedFlows").GetInt32(), Is.EqualTo(1));
        Assert.That(reconcile.TryGetProperty("desired", out _), Is.False, "no flow text");
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/switches/00000000000000ff/reconcile"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/switches/not-hex/reconcile"), HttpStatusCode.BadRequest);
    }
}
