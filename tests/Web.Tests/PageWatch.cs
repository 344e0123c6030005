using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Web.Tests;

/// <summary>A page with every console error, uncaught exception and dialog (alert, confirm) it produced recorded.</summary>
internal sealed class PageWatch
{
    private PageWatch(IPage page)
    {
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                Errors.Add($"console: {m.Text}");
            }
        };
        page.PageError += (_, e) => Errors.Add($"pageerror: {e}");
        page.Dialog += async (_, d) =>
        {
            Dialogs.Add($"{d.Type}: {d.Message}");
            await d.DismissAsync().ConfigureAwait(false);
        };
    }

    public IPage Page { get; }

    public ConcurrentBag<string> Errors { get; } = [];

    public ConcurrentBag<string> Dialogs { get; } = [];

    public static async Task<PageWatch> OpenAsync(Chromium browser, Uri url)
    {
        var page = await browser.Context.NewPageAsync().ConfigureAwait(false);
        var watch = new PageWatch(page);
        await page.GotoAsync(url.ToString()).ConfigureAwait(false);
        return watch;
    }

    /// <summary>Waits until the page has rendered data at least once (and the graph exists when on the topology).</summary>
    public Task WaitRenderedAsync() =>
        Page.WaitForFunctionAsync("() => window.ofc && window.ofc.renders > 0 && (window.ofc.route.name !== 'topology' || window.ofc.cy)", null, new() { Timeout = 15_000 });

    /// <summary>The ids of the graph's nodes, read from cytoscape in the page.</summary>
    public async Task<string[]> GraphNodeIdsAsync() =>
        await Page.EvaluateAsync<string[]>("() => window.ofc.cy.nodes().map(n => n.id()).sort()").ConfigureAwait(false);
}
