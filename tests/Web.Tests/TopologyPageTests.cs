using System.Diagnostics;
using System.Text.Json;

namespace Web.Tests;

/// <summary>The topology page in a real headless Chromium against the real controller.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TopologyPageTests
{
    private WebHost _host = null!;
    private Chromium _browser = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = await WebHost.StartAsync();
        _browser = await Chromium.LaunchAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        await _host.DisposeAsync();
    }

    [Test]
    public async Task Graph_nodes_are_the_stores_tenants_networks_hosts_and_ports()
    {
        await Seed.CreateAsync(_host);
        var page = await PageWatch.OpenAsync(_browser, _host.BaseAddress);
        await page.WaitRenderedAsync();

        var expected = new List<string>();
        expected.AddRange(Ids(await _host.GetAsync("tenants")).Select(id => $"tenant:{id}"));
        expected.AddRange(Ids(await _host.GetAsync("networks")).Select(id => $"network:{id}"));
        expected.AddRange(Ids(await _host.GetAsync("hosts")).Select(id => $"host:{id}"));
        expected.AddRange(Ids(await _host.GetAsync("ports")).Select(id => $"port:{id}"));
        var nodes = await page.GraphNodeIdsAsync();

        Assert.That(expected, Has.Count.EqualTo(2 + 2 + 2 + 4));
        Assert.That(nodes, Is.EquivalentTo(expected));
        var tunnels = await page.Page.EvaluateAsync<int>("() => window.ofc.cy.edges('.tunnel').length");
        Assert.That(tunnels, Is.EqualTo(1), "two hosts: one tunnel between them");
        Assert.That(page.Errors, Is.Empty);
    }

    [Test]
    public async Task Port_created_over_rest_appears_within_one_second_without_reload()
    {
        var seed = await Seed.CreateAsync(_host);
        var page = await PageWatch.OpenAsync(_browser, _host.BaseAddress);
        await page.WaitRenderedAsync();
        await page.Page.WaitForFunctionAsync("() => document.getElementById('live').classList.contains('on')");
        await page.Page.EvaluateAsync("() => { window.__notReloaded = true; }");

        var sw = Stopwatch.StartNew();
        var id = await _host.CreateAsync("ports", new { networkId = seed.NetA, hostId = seed.HostB, mac = "02:00:00:00:01:99", name = "late" });
        await page.Page.WaitForFunctionAsync("id => window.ofc.cy.getElementById('port:' + id).nonempty()", id, new() { Timeout = 5_000 });
        var elapsed = sw.Elapsed;

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(await page.Page.EvaluateAsync<bool>("() => window.__notReloaded === true"), Is.True, "the page was not reloaded");
        Assert.That(page.Errors, Is.Empty);
    }

    [Test]
    public async Task Deleted_port_leaves_the_graph_without_reload()
    {
        var seed = await Seed.CreateAsync(_host);
        var page = await PageWatch.OpenAsync(_browser, _host.BaseAddress);
        await page.WaitRenderedAsync();

        using var r = await _host.Client.DeleteAsync(new Uri($"/api/v1/ports/{seed.Ports[0]}", UriKind.Relative));
        Assert.That((int)r.StatusCode, Is.EqualTo(204));
        await page.Page.WaitForFunctionAsync("id => window.ofc.cy.getElementById('port:' + id).empty()", seed.Ports[0], new() { Timeout = 5_000 });

        Assert.That(await page.GraphNodeIdsAsync(), Has.Length.EqualTo(2 + 2 + 2 + 3));
    }

    [Test]
    public async Task Tenant_named_like_markup_renders_as_text_and_runs_nothing()
    {
        var seed = await Seed.CreateAsync(_host, tenantBName: Seed.XssName);
        await _host.CreateAsync("ports", new { networkId = seed.NetB, hostId = seed.HostA, mac = "02:00:00:00:02:09", name = Seed.XssName });
        foreach (var hash in new[] { "", "#/manage", $"#/host/{seed.HostA}" })
        {
            var page = await PageWatch.OpenAsync(_browser, new Uri(_host.BaseAddress, "/" + hash));
            await page.WaitRenderedAsync();
            await page.Page.WaitForTimeoutAsync(300); // give an injected onerror the chance to fire

            Assert.Multiple(() =>
            {
                Assert.That(page.Dialogs, Is.Empty, hash);
                Assert.That(page.Errors, Is.Empty, hash);
            });
            var injected = await page.Page.EvaluateAsync<int>("() => document.querySelectorAll('img').length");
            Assert.That(injected, Is.Zero, $"{hash}: no <img> element was created from a name");
            var shown = await page.Page.EvaluateAsync<string>("() => document.body.innerText");
            Assert.That(shown, Does.Contain(Seed.XssName), $"{hash}: the name is shown as text");
        }

        var topo = await PageWatch.OpenAsync(_browser, _host.BaseAddress);
        await topo.WaitRenderedAsync();
        var label = await topo.Page.EvaluateAsync<string>("id => window.ofc.cy.getElementById('tenant:' + id).data('label')", seed.TenantB);
        Assert.That(label, Is.EqualTo(Seed.XssName));
        Assert.That(await topo.Page.EvaluateAsync<string>("() => document.querySelector('#tenant-legend').textContent"), Does.Contain(Seed.XssName));
    }

    private static IEnumerable<string> Ids(JsonElement list) => list.EnumerateArray().Select(e => e.GetProperty("id").GetString()!);
}
