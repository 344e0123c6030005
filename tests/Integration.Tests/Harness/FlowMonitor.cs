using Tests.Shared;
namespace Integration.Tests.Harness;

/// <summary>
/// <c>ovs-ofctl -O OpenFlow13 monitor &lt;bridge&gt; watch:!initial</c>: every flow the switch adds, modifies or
/// deletes from now on, as lines like <c>event=ADDED table=0 cookie=0x42</c> (learned flows included).
/// Use it to prove a reconnect changed nothing (no events under the controller's cookies).
/// </summary>
internal sealed class FlowMonitor : IAsyncDisposable
{
    private readonly BackgroundProcess _process;

    private FlowMonitor(BackgroundProcess process) => _process = process;

    /// <summary>Flow table events seen so far, one line each, starting with <c>event=</c>.</summary>
    /// <remarks>ovs-ofctl prints the monitor's asynchronous updates on stderr, not stdout.</remarks>
    public IReadOnlyList<string> Events
        => [.. _process.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("event=", StringComparison.Ordinal))];

    internal static async Task<FlowMonitor> StartAsync(OvsHypervisor host, string bridge)
    {
        var process = BackgroundProcess.Start(OvsOfctl.BridgeArgv(["monitor", bridge, "watch:!initial"]), host.Environment);
        var monitor = new FlowMonitor(process);
        try
        {
            // The reply to the monitor request comes first: from then on, every change is reported.
            await process.WaitForOutputAsync("FLOW_MONITOR reply", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return monitor;
        }
        catch
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Polls until <paramref name="predicate"/> holds for the events seen so far.</summary>
    public async Task<IReadOnlyList<string>> WaitForEventsAsync(Func<IReadOnlyList<string>, bool> predicate, TimeSpan timeout)
    {
        try
        {
            await Poll.UntilAsync(() => predicate(Events), timeout, "flow monitor events").ConfigureAwait(false);
            return Events;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; monitor output:\n{_process.Stdout}{_process.Stderr}", ex);
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
