using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// Which Compose runs the file: Debian 12's <c>docker-compose</c> 1.29 (Python), or Compose v2, the Docker CLI
/// plugin <c>docker compose</c> (<c>scripts/compose-v2.sh</c> installs Debian 13's build of it).
/// </summary>
public enum ComposeVersion
{
    V1,
    V2,
}

internal static class ComposeCommand
{
    public static IReadOnlyList<string> Argv(ComposeVersion version) => version == ComposeVersion.V1 ? ["docker-compose"] : ["docker", "compose"];

    /// <summary>Skips (or, under REQUIRE_REAL_OVS=1, fails) when this Compose is not installed.</summary>
    public static async Task RequireAsync(ComposeVersion version)
    {
        if (version == ComposeVersion.V1)
        {
            OvsPreconditions.RequireCommand("docker-compose", "apt-get install docker-compose");
            return;
        }

        OvsPreconditions.RequireCommand("docker", "apt-get install docker.io");
        var probe = await Sh.RunAsync(["docker", "compose", "version"], TimeSpan.FromSeconds(30), check: false).ConfigureAwait(false);
        OvsPreconditions.Require(probe.Succeeded, "Compose v2 (`docker compose`) is not installed: run scripts/compose-v2.sh");
    }
}

/// <summary>
/// One <c>docker-compose -p &lt;name&gt;</c> project of the repository's <c>docker-compose.yml</c>, with every published port
/// on a free loopback port (<c>OFC_*_PUBLISH=127.0.0.1:</c>). Commands go through <c>docker-compose</c> itself
/// (<c>ps -q</c>, <c>port</c>), so container names (<c>_1</c> in 1.29, <c>-1</c> in v2) never matter; commands in a
/// container run with <c>docker exec</c> on the id <c>ps -q</c> gave (docker-compose 1.29 takes a second to start).
/// <see cref="DisposeAsync"/> runs <c>down -v</c>, removing its containers, networks and volume; the images stay.
/// </summary>
internal sealed partial class ComposeProject : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly string _file;
    private readonly IReadOnlyList<string> _compose;
    private readonly Dictionary<string, string> _containers = [];
    private readonly Dictionary<string, string> _env = new()
    {
        ["OFC_REST_PUBLISH"] = "127.0.0.1:",
        ["OFC_OPENFLOW_PUBLISH"] = "127.0.0.1:",
        ["OFC_OVSDB_PUBLISH"] = "127.0.0.1:",
    };

    private ComposeProject(string name, string file, ComposeVersion version)
    {
        Name = name;
        _file = file;
        _compose = ComposeCommand.Argv(version);
    }

    public string Name { get; }

    /// <summary><c>docker-compose up -d</c>; a project that fails to come up is taken down again.</summary>
    public static async Task<ComposeProject> UpAsync(string name, string composeFile, ComposeVersion version)
    {
        var project = new ComposeProject(name, composeFile, version);
        try
        {
            await project.RunAsync("up", "-d").ConfigureAwait(false);
            return project;
        }
        catch
        {
            await project.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A project name no other run uses, carrying this process's PID so a dead run's project can be reaped.</summary>
    public static string NewName() => $"ofct{TestPrefix.New()}p{Environment.ProcessId}";

    /// <summary>Takes down the projects of test runs that were killed before their own <c>down</c> (their PID is gone).</summary>
    public static async Task ReapStaleAsync(string composeFile)
    {
        var labels = await Sh.RunAsync("docker", "ps", "-a", "--format", "{{.Label \"com.docker.compose.project\"}}").ConfigureAwait(false);
        foreach (var name in labels.StdoutLines.Distinct())
        {
            var m = StaleName().Match(name);
            if (m.Success && !Directory.Exists($"/proc/{m.Groups[1].Value}"))
            {
                await new ComposeProject(name, composeFile, ComposeVersion.V1).DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public Task<ShResult> RunAsync(params string[] args) => RunAsync(args, check: true);

    public Task<ShResult> RunAsync(IReadOnlyList<string> args, bool check)
        => Sh.RunAsync([.. _compose, "-p", Name, "-f", _file, .. args], CommandTimeout, _env, check);

    /// <summary>Runs <paramref name="argv"/> in <paramref name="service"/>'s container.</summary>
    public async Task<ShResult> ExecAsync(string service, IReadOnlyList<string> argv, bool check = true)
    {
        if (!_containers.TryGetValue(service, out var id))
        {
            id = (await RunAsync("ps", "-q", service).ConfigureAwait(false)).StdoutLines.Single();
            _containers[service] = id;
        }

        return await Sh.RunAsync(["docker", "exec", id, .. argv], CommandTimeout, check: check).ConfigureAwait(false);
    }

    /// <summary>The loopback address Docker published <paramref name="service"/>'s <paramref name="containerPort"/> on.</summary>
    public async Task<Uri> PublishedAsync(string service, int containerPort)
    {
        var result = await RunAsync("port", service, containerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var m = HostPort().Match(result.Stdout);
        return m.Success ? new Uri($"http://{m.Value}/") : throw new InvalidOperationException($"no published port in '{result.Stdout.Trim()}'");
    }

    /// <summary>The last lines of every service's log, for a failed test's output.</summary>
    public async Task<string> LogsAsync() => (await RunAsync(["logs", "--no-color", "--tail", "60"], check: false).ConfigureAwait(false)).Stdout;

    /// <summary>Containers, networks and volumes Docker still holds for this project (labelled by compose).</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync()
    {
        var filter = $"label=com.docker.compose.project={Name}";
        var containers = await Sh.RunAsync("docker", "ps", "-aq", "--filter", filter).ConfigureAwait(false);
        var networks = await Sh.RunAsync("docker", "network", "ls", "-q", "--filter", filter).ConfigureAwait(false);
        var volumes = await Sh.RunAsync("docker", "volume", "ls", "-q", "--filter", filter).ConfigureAwait(false);
        return [.. containers.StdoutLines, .. networks.StdoutLines, .. volumes.StdoutLines];
    }

    public async ValueTask DisposeAsync()
        => await RunAsync(["down", "-v", "--remove-orphans", "--timeout", "5"], check: true).ConfigureAwait(false);

    [GeneratedRegex(@"^ofct[a-z0-9]{4}p([0-9]+)$")]
    private static partial Regex StaleName();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex HostPort();
}
