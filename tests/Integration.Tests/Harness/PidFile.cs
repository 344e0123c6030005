using Tests.Shared;
using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>Stops daemons by the PID in their pidfile, checking the PID still belongs to the expected program.</summary>
internal static class PidFile
{
    public static int? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>True when <paramref name="pid"/> runs (not a zombie) and its command name is <paramref name="comm"/>.</summary>
    public static bool IsAlive(int pid, string comm)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ...": comm may hold spaces, so take the text between the outer parentheses.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var name = stat[(open + 1)..close];
            var state = stat[(close + 2)..].Split(' ')[0];
            return state != "Z" && state != "X" && comm.StartsWith(name, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the daemon named by <paramref name="pidFile"/> if it is
    /// <paramref name="comm"/>, waits for it to go, and SIGKILLs it after <paramref name="grace"/>.
    /// Returns false when there was nothing to stop.
    /// </summary>
    public static async Task<bool> StopAsync(string pidFile, string comm, string signal = "TERM", TimeSpan? grace = null)
    {
        var pid = Read(pidFile);
        if (pid is not { } p || !IsAlive(p, comm))
        {
            return false;
        }

        var pidText = p.ToString(CultureInfo.InvariantCulture);
        await Sh.RunAsync(["kill", "-s", signal, pidText], check: false).ConfigureAwait(false);
        try
        {
            await Poll.UntilAsync(() => !IsAlive(p, comm), grace ?? TimeSpan.FromSeconds(5), $"{comm} ({p}) to exit").ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await Sh.RunAsync(["kill", "-s", "KILL", pidText], check: false).ConfigureAwait(false);
            await Poll.UntilAsync(() => !IsAlive(p, comm), TimeSpan.FromSeconds(5), $"{comm} ({p}) to die").ConfigureAwait(false);
        }

        return true;
    }
}
