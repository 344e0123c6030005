namespace Integration.Tests.Harness;

/// <summary>
/// Undo actions run in reverse order of registration. Every action runs even when an earlier one
/// throws; failures are written to the test's error output instead of masking the test's own result.
/// </summary>
internal sealed class CleanupStack : IAsyncDisposable
{
    private readonly Stack<(string What, Func<Task> Undo)> _actions = new();

    public void Push(string what, Func<Task> undo)
    {
        lock (_actions)
        {
            _actions.Push((what, undo));
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (true)
        {
            (string What, Func<Task> Undo) action;
            lock (_actions)
            {
                if (!_actions.TryPop(out action))
                {
                    return;
                }
            }

            try
            {
                await action.Undo().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Cleanup must go on after any failure; the failure is reported, not swallowed silently.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await TestContext.Error.WriteLineAsync($"cleanup of {action.What} failed: {ex}").ConfigureAwait(false);
            }
        }
    }
}
