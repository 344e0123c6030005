namespace Tests.Shared;

/// <summary>
/// Polling with a deadline: the one way tests wait for something another thread, process or switch does.
/// Where time itself is the subject (timeouts, intervals, debounce), tests use a fake time provider instead.
/// </summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
        => UntilAsync(() => Task.FromResult(condition()), timeout, () => what, interval);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
        => UntilAsync(condition, timeout, () => what, interval);

    /// <summary>As above; <paramref name="describe"/> is evaluated at the deadline, so it can report the last state seen.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {describe()}");
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value, and returns it.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, TimeSpan? interval = null)
        where T : class
    {
        T? value = null;
        await UntilAsync(async () => (value = await probe().ConfigureAwait(false)) is not null, timeout, what, interval).ConfigureAwait(false);
        return value!;
    }
}
