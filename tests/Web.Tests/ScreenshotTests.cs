namespace Web.Tests;

/// <summary>
/// The README's picture: the topology of a two-tenant, two-host setup. Written to the test's output
/// directory, and to $OFC_WEB_SCREENSHOT when set (docs/web-topology.png is made that way).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ScreenshotTests
{
    [Test]
    public async Task Topology_screenshot_of_a_two_tenant_setup()
    {
        await using var host = await WebHost.StartAsync(new FakeSwitches(
            FakeSwitches.Bridge(0xa1, "br-tun", "br-tun"),
            FakeSwitches.Bridge(0xb1, "br-tun", "br-tun"),
            FakeSwitches.Bridge(0xc3, "br-int", "learning")));
        var seed = await Seed.CreateAsync(host);
        await host.CreateAsync("ports", new { networkId = seed.NetA, hostId = seed.HostA, mac = "02:00:00:00:01:03", ip = "10.1.0.13", name = "vm3" });
        await using var browser = await Chromium.LaunchAsync();
        var watch = await PageWatch.OpenAsync(browser, host.BaseAddress);
        await watch.WaitRenderedAsync();
        await watch.Page.WaitForFunctionAsync("() => document.getElementById('live').classList.contains('on')");

        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "web-topology.png");
        var png = await watch.Page.ScreenshotAsync(new() { Path = path, Type = Microsoft.Playwright.ScreenshotType.Png });

        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a }), "a PNG");
        Assert.That(watch.Errors, Is.Empty);
        if (Environment.GetEnvironmentVariable("OFC_WEB_SCREENSHOT") is { Length: > 0 } copy)
        {
            File.Copy(path, copy, overwrite: true);
        }

        TestContext.AddTestAttachment(path);
    }
}
