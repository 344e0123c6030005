using Tests.Shared;
using System.Diagnostics;
using System.Text;

namespace Integration.Tests.Harness;

/// <summary>
/// A long-running process we started (socat relay, tcpdump, iperf3 server) with its output collected.
/// Disposal stops it by PID: SIGTERM (or the signal given to <see cref="StopAsync"/>), then SIGKILL after a grace period.
/// </summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private bool _stopped;

    private BackgroundProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout => Sh.Snapshot(_stdout);

    public string Stderr => Sh.Snapshot(_stderr);

    /// <param name="keepStdinOpen">Leave stdin open until <see cref="CloseStdin"/> (for programs that run until stdin closes).</param>
    public static BackgroundProcess Start(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env = null, bool keepStdinOpen = false)
    {
        var process = new Process { StartInfo = Sh.CreateStartInfo(argv, env) };
        var bg = new BackgroundProcess(process, Sh.Quote(argv));
        process.OutputDataReceived += (_, e) => Sh.Append(bg._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Sh.Append(bg._stderr, e.Data);
        process.Start();
        if (!keepStdinOpen)
        {
            process.StandardInput.Close();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bg;
    }

    /// <summary>Sends EOF to the process's stdin.</summary>
    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Waits until stdout or stderr contains <paramref name="text"/>; fails early if the process exits.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout)
        => Poll.UntilAsync(
            () =>
            {
                if (Stdout.Contains(text, StringComparison.Ordinal) || Stderr.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }

                return HasExited
                    ? throw new ShException($"{CommandLine} exited ({_process.ExitCode}) before printing '{text}'\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}")
                    : false;
            },
            timeout,
            $"'{text}' from {CommandLine}");

    /// <summary>Waits for the process to exit by itself; kills it and throws after <paramref name="timeout"/>.</summary>
    public async Task<ShResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync().ConfigureAwait(false);
            throw new ShException(Result(-1), $"did not exit within {timeout.TotalSeconds:0.#} s");
        }

        _stopped = true;
        return Result(_process.ExitCode);
    }

    /// <summary>Sends <paramref name="signal"/> (a name `kill -s` understands) and waits; SIGKILL after <paramref name="grace"/>.</summary>
    public async Task<ShResult> StopAsync(string signal = "TERM", TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            await Sh.RunAsync(["kill", "-s", signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false).ConfigureAwait(false);
            using var cts = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(3));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Sh.KillTree(_process);

                // WaitForExitAsync also waits for EOF on stdout/stderr, which never comes while an orphaned
                // child still holds the pipes (a socat relay's per-connection fork outlives its parent's
                // SIGTERM while its connection is open). The process itself is gone: wait briefly, then move on.
                using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await _process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_process.HasExited)
                {
                    // Exited; only the pipes are still held open by an orphan.
                }
            }
        }

        _stopped = true;
        return Result(_process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private ShResult Result(int exitCode) => new(CommandLine, exitCode, Stdout, Stderr);
}
