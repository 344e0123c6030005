using System.Diagnostics;
using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// A Docker engine for the test: <c>scripts/docker-engine.sh</c> starts dockerd only when none answers and prints the
/// PID it started. Disposal stops that daemon by its PID and nothing else: an engine that was already running stays.
/// </summary>
internal sealed class DockerEngine : IAsyncDisposable
{
    private DockerEngine(int? startedPid) => StartedPid = startedPid;

    /// <summary>The dockerd this test started; null when one was already running.</summary>
    public int? StartedPid { get; }

    public static async Task<DockerEngine> EnsureAsync(string repositoryRoot)
    {
        var result = await Sh.RunAsync([Path.Combine(repositoryRoot, "scripts", "docker-engine.sh")], TimeSpan.FromSeconds(90)).ConfigureAwait(false);
        var pid = result.StdoutLines.LastOrDefault();
        return new DockerEngine(pid is null ? null : int.Parse(pid, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (StartedPid is not { } pid || !Directory.Exists($"/proc/{pid}"))
        {
            return;
        }

        using var daemon = Process.GetProcessById(pid);
        await Sh.RunAsync("kill", "-TERM", pid.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await daemon.WaitForExitAsync(cts.Token).ConfigureAwait(false);
    }
}
