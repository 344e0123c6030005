namespace Cli.Tests;

/// <summary>One in-process run of ofc: its exit code and what it wrote to stdout and stderr.</summary>
internal sealed record OfcRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<OfcRun> WithAsync(IReadOnlyDictionary<string, string>? variables, string? configPath, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new OfcEnvironment
        {
            Out = stdout,
            Error = stderr,
            Variables = variables ?? new Dictionary<string, string>(),
            ConfigPath = configPath ?? Path.Combine(Path.GetTempPath(), "ofc-no-config-" + Guid.NewGuid().ToString("n"), "config.json"),
            Interactive = false,
        };
        var code = await Ofc.RunAsync(args, env).ConfigureAwait(false);
        return new OfcRun(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<OfcRun> RunAsync(params string[] args) => WithAsync(null, null, args);

    /// <summary>With ofc's local commands (ip, ovs-vsctl) going through <paramref name="runner"/>.</summary>
    public static async Task<OfcRun> OnHostAsync(ICommandRunner runner, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new OfcEnvironment
        {
            Out = stdout,
            Error = stderr,
            ConfigPath = Path.Combine(Path.GetTempPath(), "ofc-no-config-" + Guid.NewGuid().ToString("n"), "config.json"),
            Runner = runner,
        };
        var code = await Ofc.RunAsync(args, env).ConfigureAwait(false);
        return new OfcRun(code, stdout.ToString(), stderr.ToString());
    }

    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
