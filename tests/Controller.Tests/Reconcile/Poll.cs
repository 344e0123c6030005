namespace Controller.Tests.Reconcile;

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="timeoutMs"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds (asked every 50 ms), failing after <paramref name="timeoutMs"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }
}
