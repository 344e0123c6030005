using System.Diagnostics;
using System.Text;

namespace Integration.Tests.Harness;

/// <summary>
/// Runs processes with a timeout and captured output. <see cref="RunAsync"/> throws
/// <see cref="ShException"/> (with stdout and stderr) on a non-zero exit unless <c>check: false</c>.
/// A process that outlives its timeout is killed by PID together with its children.
/// </summary>
internal static class Sh
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ShResult> RunAsync(
        IReadOnlyList<string> argv,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null,
        bool check = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        using var process = new Process { StartInfo = CreateStartInfo(argv, env) };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limit = timeout ?? DefaultTimeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (!timedOut)
            {
                throw;
            }
        }

        var result = new ShResult(Quote(argv), timedOut ? -1 : process.ExitCode, Snapshot(stdout), Snapshot(stderr));
        if (timedOut)
        {
            throw new ShException(result, $"timed out after {limit.TotalSeconds:0.#} s");
        }

        if (check && result.ExitCode != 0)
        {
            throw new ShException(result, "command failed");
        }

        return result;
    }

    public static Task<ShResult> RunAsync(params string[] argv) => RunAsync((IReadOnlyList<string>)argv);

    /// <summary>Runs <paramref name="argv"/> inside network namespace <paramref name="netns"/>.</summary>
    public static Task<ShResult> InNetnsAsync(
        string netns,
        IReadOnlyList<string> argv,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null,
        bool check = true,
        CancellationToken cancellationToken = default)
        => RunAsync(InNetns(netns, argv), timeout, env, check, cancellationToken);

    /// <summary>The argv that runs <paramref name="argv"/> inside <paramref name="netns"/> (the command replaces `ip`, so its PID is the command's).</summary>
    public static IReadOnlyList<string> InNetns(string netns, IReadOnlyList<string> argv)
        => ["ip", "netns", "exec", netns, .. argv];

    /// <summary>Deletes network namespace <paramref name="name"/> if it exists (idempotent cleanup).</summary>
    public static async Task DeleteNetnsAsync(string name)
    {
        if (File.Exists(Path.Combine("/run/netns", name)))
        {
            await RunAsync("ip", "netns", "del", name).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="command"/> is an executable on PATH or in /usr/sbin, /sbin.</summary>
    public static bool CommandExists(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return dirs.Any(d => File.Exists(Path.Combine(d, command)));
    }

    internal static ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        if (env is not null)
        {
            foreach (var (key, value) in env)
            {
                psi.Environment[key] = value;
            }
        }

        return psi;
    }

    internal static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.Append(line).Append('\n');
        }
    }

    internal static string Snapshot(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }

    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    internal static string Quote(IEnumerable<string> argv)
        => string.Join(' ', argv.Select(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '(' or ')') ? $"'{a}'" : a));
}
