using Tests.Shared;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// Removes what a harness run left behind when its process died before it could clean up (a killed test
/// host cannot run its finally blocks). Every hypervisor directory records its owner (PID and start time);
/// once per process, before the first hypervisor starts, directories <c>/tmp/ovs-h{prefix}{n}</c> (hypervisors) and
/// <c>/tmp/ovs-c{prefix}</c> (a controller in its own namespace) whose owner is gone lose the processes inside their
/// namespaces, their relay (by its pidfile, checked against its command line), the namespaces <c>h|v|u|c{prefix}*</c>
/// and the directory. Directories without an owner file
/// (kept with OVS_HARNESS_KEEP=1, or not ours) are left alone.
/// </summary>
internal static partial class StaleResources
{
    public const string OwnerFile = "owner";
    public const string RelayPidFile = "relay.pid";

    private static readonly Lazy<Task> Once = new(ReapAsync);

    public static Task EnsureReapedAsync() => Once.Value;

    /// <summary>Reaps now, regardless of an earlier pass (for tests).</summary>
    public static Task ReapNowAsync() => ReapAsync();

    public static void WriteOwner(string directory)
        => File.WriteAllText(Path.Combine(directory, OwnerFile), OwnerId(System.Environment.ProcessId) ?? string.Empty);

    private static async Task ReapAsync()
    {
        var dirs = Directory.EnumerateDirectories(Path.GetTempPath(), "ovs-*")
            .Select(d => (Dir: d, Match: HostDir().Match(Path.GetFileName(d))))
            .Where(x => x.Match.Success && File.Exists(Path.Combine(x.Dir, OwnerFile)))
            .ToList();
        foreach (var (dir, match) in dirs)
        {
            string owner;
            try
            {
                owner = (await File.ReadAllTextAsync(Path.Combine(dir, OwnerFile)).ConfigureAwait(false)).Trim();
            }
            catch (IOException)
            {
                continue; // removed meanwhile by its owner
            }

            var pid = owner.Split(' ')[0];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var ownerPid) && OwnerId(ownerPid) == owner)
            {
                continue; // its test run is alive
            }

            await ReapAsync(dir, match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value).ConfigureAwait(false);
        }
    }

    private static async Task ReapAsync(string dir, string prefix)
    {
        await TestContext.Progress.WriteLineAsync($"harness: removing {dir} and namespaces *{prefix}* left by a dead test run").ConfigureAwait(false);
        if (PidFile.Read(Path.Combine(dir, RelayPidFile)) is { } relay && CommandLineContains(relay, dir))
        {
            await Sh.RunAsync(["kill", "-s", "KILL", relay.ToString(CultureInfo.InvariantCulture)], check: false).ConfigureAwait(false);
        }

        var namespaces = Directory.Exists("/run/netns")
            ? Directory.EnumerateFileSystemEntries("/run/netns").Select(Path.GetFileName).OfType<string>()
                .Where(n => n.Length >= 5 && (n[0] is 'h' or 'v' or 'u' or 'c') && n.AsSpan(1, 4).SequenceEqual(prefix))
                .ToList()
            : [];
        var killed = new List<int>();
        foreach (var ns in namespaces)
        {
            var pids = await Sh.RunAsync(["ip", "netns", "pids", ns], check: false).ConfigureAwait(false);
            foreach (var p in pids.StdoutLines)
            {
                await Sh.RunAsync(["kill", "-s", "KILL", p], check: false).ConfigureAwait(false);
                if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    killed.Add(pid);
                }
            }

            await Sh.RunAsync(["ip", "netns", "del", ns], check: false).ConfigureAwait(false);
        }

        // SIGKILL is delivered asynchronously: on a loaded machine a daemon can still be listed for a
        // moment, so wait until every killed process is really gone before calling the reap done.
        await Poll.UntilAsync(() => killed.All(p => !IsRunning(p)), TimeSpan.FromSeconds(10), "reaped processes to exit").ConfigureAwait(false);

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Another process reaped it at the same time.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>"PID starttime" (starttime from /proc/PID/stat, so a reused PID does not look alive), or null.</summary>
    private static string? OwnerId(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return $"{pid} {fields[19]}"; // field 22 of stat; fields[0] is field 3
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool CommandLineContains(int pid, string text)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [GeneratedRegex("^ovs-(?:h([a-z][a-z0-9]{3})[0-9]+|c([a-z][a-z0-9]{3}))$")]
    private static partial Regex HostDir();
}
