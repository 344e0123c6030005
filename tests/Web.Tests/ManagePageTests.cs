using System.Text.Json;

namespace Web.Tests;

/// <summary>Creating and deleting from the page goes through the REST API, with its validation shown.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ManagePageTests
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
    public async Task Port_created_from_the_page_exists_in_rest()
    {
        var seed = await Seed.CreateAsync(_host);
        var watch = await PageWatch.OpenAsync(_browser, new Uri(_host.BaseAddress, "/#/manage"));
        await watch.WaitRenderedAsync();
        var page = watch.Page;

        await page.SelectOptionAsync("#port-form select[name=networkId]", seed.NetB);
        await page.SelectOptionAsync("#port-form select[name=hostId]", seed.HostB);
        await page.FillAsync("#port-form input[name=mac]", "02:00:00:00:0a:0b");
        await page.FillAsync("#port-form input[name=ip]", "10.9.0.7");
        await page.FillAsync("#port-form input[name=name]", "from-page");
        await page.ClickAsync("#port-form button[type=submit]");
        await page.WaitForSelectorAsync("#port-table td:text-is('from-page')", new() { Timeout = 5_000 });

        var ports = await _host.GetAsync($"ports?networkId={seed.NetB}");
        var made = ports.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "from-page");
        Assert.Multiple(() =>
        {
            Assert.That(made.GetProperty("mac").GetString(), Is.EqualTo("02:00:00:00:0a:0b"));
            Assert.That(made.GetProperty("ip").GetString(), Is.EqualTo("10.9.0.7"));
            Assert.That(made.GetProperty("hostId").GetString(), Is.EqualTo(seed.HostB));
            Assert.That(watch.Errors, Is.Empty);
        });
    }

    [Test]
    public async Task Tenant_and_network_created_and_deleted_from_the_page()
    {
        var watch = await PageWatch.OpenAsync(_browser, new Uri(_host.BaseAddress, "/#/manage"));
        await watch.WaitRenderedAsync();
        var page = watch.Page;

        await page.FillAsync("#tenant-form input[name=name]", "initech");
        await page.ClickAsync("#tenant-form button[type=submit]");
        await page.WaitForSelectorAsync("#tenant-table td:text-is('initech')");
        var tenant = (await _host.GetAsync("tenants")).EnumerateArray().Single();
        Assert.That(tenant.GetProperty("name").GetString(), Is.EqualTo("initech"));

        await page.SelectOptionAsync("#network-form select[name=tenantId]", tenant.GetProperty("id").GetString()!);
        await page.FillAsync("#network-form input[name=name]", "lab");
        await page.FillAsync("#network-form input[name=segmentId]", "4242");
        await page.ClickAsync("#network-form button[type=submit]");
        await page.WaitForSelectorAsync("#network-table td:text-is('lab')");
        var network = (await _host.GetAsync("networks")).EnumerateArray().Single();
        Assert.That(network.GetProperty("segmentId").GetUInt32(), Is.EqualTo(4242u));

        // The store refuses to delete a tenant that still has networks: the page shows the 409's detail.
        await page.ClickAsync($"#tenant-table tr[data-id='{tenant.GetProperty("id").GetString()}'] button.delete");
        var refusal = await page.WaitForSelectorAsync("#tenant-table-error:not(:empty)");
        Assert.That(await refusal!.TextContentAsync(), Does.Contain("409").Or.Contain("network").IgnoreCase);

        await page.ClickAsync($"#network-table tr[data-id='{network.GetProperty("id").GetString()}'] button.delete");
        await page.WaitForSelectorAsync("#network-table td:text-is('lab')", new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
        await page.ClickAsync($"#tenant-table tr[data-id='{tenant.GetProperty("id").GetString()}'] button.delete");
        await page.WaitForSelectorAsync("#tenant-table td:text-is('initech')", new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
        Assert.That((await _host.GetAsync("tenants")).GetArrayLength(), Is.Zero);
        Assert.That((await _host.GetAsync("networks")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Invalid_port_shows_the_problem_details_next_to_the_form_and_creates_nothing()
    {
        var seed = await Seed.CreateAsync(_host);
        var watch = await PageWatch.OpenAsync(_browser, new Uri(_host.BaseAddress, "/#/manage"));
        await watch.WaitRenderedAsync();
        var page = watch.Page;

        await page.SelectOptionAsync("#port-form select[name=networkId]", seed.NetA);
        await page.FillAsync("#port-form input[name=mac]", "not-a-mac");
        await page.FillAsync("#port-form input[name=ip]", "10.1.0.300");
        await page.ClickAsync("#port-form button[type=submit]");
        var error = await page.WaitForSelectorAsync("#port-form-error:not(:empty)");
        var text = await error!.TextContentAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(text, Does.Contain("mac must look like aa:bb:cc:dd:ee:ff; got 'not-a-mac'"));
            Assert.That(text, Does.Contain("ip must be a dotted-quad IPv4 address"));
            Assert.That((await _host.GetAsync("ports")).GetArrayLength(), Is.EqualTo(seed.Ports.Length));
        });
    }

    [Test]
    public async Task Host_page_shows_the_rest_fields_and_its_ports()
    {
        var seed = await Seed.CreateAsync(_host);
        var watch = await PageWatch.OpenAsync(_browser, new Uri(_host.BaseAddress, $"/#/host/{seed.HostA}"));
        await watch.WaitRenderedAsync();
        var fields = await watch.Page.TextContentAsync("#host-fields");
        var body = await watch.Page.EvaluateAsync<string>("() => document.body.innerText");
        var host = await _host.GetAsync($"hosts/{seed.HostA}");

        Assert.Multiple(() =>
        {
            foreach (var p in host.EnumerateObject())
            {
                Assert.That(fields, Does.Contain(p.Name));
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    Assert.That(fields, Does.Contain(p.Value.GetString()));
                }
            }

            Assert.That(body, Does.Contain("vm1").And.Contain("db1").And.Not.Contain("vm2"));
            Assert.That(watch.Errors, Is.Empty);
        });
    }
}
