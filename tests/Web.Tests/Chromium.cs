using Microsoft.Playwright;

namespace Web.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (never Playwright's own browser downloads). Each instance has a
/// fresh user-data directory, removed on dispose. Without chromium the test is ignored, unless
/// REQUIRE_REAL_OVS=1, where it fails: CI must never silently stop running the browser tests.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _userData;

    private Chromium(IPlaywright playwright, IBrowserContext context, string userData)
    {
        _playwright = playwright;
        Context = context;
        _userData = userData;
    }

    public IBrowserContext Context { get; }

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            const string reason = "chromium is not installed (apt-get install chromium)";
            if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
            {
                Assert.Fail($"REQUIRE_REAL_OVS=1 but {reason}");
            }

            Assert.Ignore(reason);
        }

        var userData = Path.Combine(Path.GetTempPath(), "ofc-web-chromium-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(userData);
        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(userData, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Args,
                ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
                Timeout = 60_000,
            }).ConfigureAwait(false);
            return new Chromium(playwright, context, userData);
        }
        catch
        {
            playwright.Dispose();
            Directory.Delete(userData, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync().ConfigureAwait(false);
        _playwright.Dispose();
        if (Directory.Exists(_userData))
        {
            Directory.Delete(_userData, recursive: true);
        }
    }
}
