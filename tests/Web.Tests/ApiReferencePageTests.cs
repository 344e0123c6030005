using System.Collections.Concurrent;

namespace Web.Tests;

/// <summary>The API reference page renders the OpenAPI document with no request leaving the machine.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ApiReferencePageTests
{
    [Test]
    public async Task Api_reference_renders_the_operations_offline()
    {
        await using var host = await WebHost.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var outside = new ConcurrentBag<string>();
        await browser.Context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Host == host.BaseAddress.Host && url.Port == host.BaseAddress.Port)
            {
                await route.ContinueAsync();
            }
            else
            {
                outside.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        var watch = await PageWatch.OpenAsync(browser, new Uri(host.BaseAddress, "/scalar/v1"));

        // Scalar renders the first tag's operations and collapses the others behind their sidebar entries:
        // wait for the sidebar to list every tag, then open "tenants" the way a reader would.
        await WaitForTextAsync(watch, outside, "tunnel-ports", "switches", "cluster", "/healthz");
        await watch.Page.Locator("nav, aside, [role=navigation]").GetByText("tenants", new() { Exact = true }).First.ClickAsync();
        await WaitForTextAsync(watch, outside, "/api/v1/tenants");

        var text = await watch.Page.EvaluateAsync<string>("() => document.body.innerText");
        Assert.Multiple(async () =>
        {
            Assert.That(await watch.Page.TitleAsync(), Is.EqualTo("ofcontroller REST API"));
            Assert.That(text, Does.Contain("/api/v1/tenants").And.Contain("/api/v1/events").And.Contain("switches").And.Contain("tunnel-ports"));
            Assert.That(outside, Is.Empty, "the page asks nothing of other hosts");
            Assert.That(watch.Errors, Is.Empty);
        });
    }

    private static async Task WaitForTextAsync(PageWatch watch, ConcurrentBag<string> outside, params string[] texts)
    {
        var probe = "() => { const t = document.body.innerText; return " + string.Join(" && ", texts.Select(t => $"t.includes('{t}')")) + "; }";
        try
        {
            await watch.Page.WaitForFunctionAsync(probe, null, new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var shown = await watch.Page.EvaluateAsync<string>("() => document.body.innerText");
            Assert.Fail($"the reference never showed [{string.Join(", ", texts)}]; page errors: [{string.Join("; ", watch.Errors)}]; outside requests: [{string.Join(", ", outside)}]; page text: {shown[..Math.Min(shown.Length, 800)]}");
        }
    }
}
