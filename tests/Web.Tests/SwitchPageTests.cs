using Controller.Switches;

namespace Web.Tests;

/// <summary>The switch page: desired vs installed flows by table, drift marked, last reconcile.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SwitchPageTests
{
    private const ulong Dpid = 0xa1;
    private const string InSync = "cookie=0x1, table=0, priority=1 actions=goto_table:2";
    private const string Missing = "cookie=0x1, table=2, priority=100, dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=goto_table:20";
    private const string Extra = "cookie=0x1, table=2, priority=50, dl_vlan=7 actions=drop";
    private const string InSync21 = "cookie=0x1, table=21, priority=0 actions=drop";

    [Test]
    public async Task Flows_are_grouped_by_table_with_drift_marked_and_the_last_reconcile_shown()
    {
        var info = new SwitchInfo(
            Dpid,
            "127.0.0.1:40000",
            [new SwitchPortInfo(1, "patch-int", "02:00:00:00:00:01", true, true), new SwitchPortInfo(4294967294, "br-tun", "02:00:00:00:00:a1", true, true)],
            "equal",
            DateTimeOffset.UtcNow.AddMinutes(-3),
            120,
            80,
            0,
            "br-tun");
        var flows = new SwitchFlowsInfo(Dpid, [InSync, Missing, InSync21], [InSync, Extra, InSync21], new ReconcileInfo(DateTimeOffset.UtcNow, 3, 1, 2, 17, 4.25));
        await using var host = await WebHost.StartAsync(new FakeSwitches((info, flows)));
        await Seed.CreateAsync(host); // host-a has datapath id a1: the switch belongs to it
        await using var browser = await Chromium.LaunchAsync();

        var topo = await PageWatch.OpenAsync(browser, host.BaseAddress);
        await topo.WaitRenderedAsync();
        var hostA = (await host.GetAsync("hosts")).EnumerateArray().First(h => h.GetProperty("name").GetString() == "host-a").GetProperty("id").GetString();
        var parent = await topo.Page.EvaluateAsync<string>("() => window.ofc.cy.getElementById('switch:00000000000000a1').data('parent')");
        Assert.That(parent, Is.EqualTo($"host:{hostA}"), "the switch is drawn inside its host");

        var watch = await PageWatch.OpenAsync(browser, new Uri(host.BaseAddress, "/#/switch/00000000000000a1"));
        await watch.Page.WaitForSelectorAsync("#flow-summary");
        TestContext.Out.WriteLine(string.Join("\n", watch.Errors));
        var page = watch.Page;
        var tables = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('table.flows')].map(t => t.dataset.table)");
        var states = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('table.flows tr[data-state]')].map(r => r.dataset.state + ' ' + r.querySelector('code').textContent)");
        var reconcile = await page.TextContentAsync("#last-reconcile");

        Assert.Multiple(() =>
        {
            Assert.That(tables, Is.EqualTo(new[] { "0", "2", "21" }));
            Assert.That(states, Is.EquivalentTo(new[] { $"ok {InSync}", $"missing {Missing}", $"extra {Extra}", $"ok {InSync21}" }));
            Assert.That(reconcile, Does.Contain("17").And.Contain("4.3 ms"));
            Assert.That(watch.Errors, Is.Empty);
        });
        Assert.That(await page.TextContentAsync("#flow-summary"), Does.Contain("1 missing").And.Contain("1 extra"));
    }
}
