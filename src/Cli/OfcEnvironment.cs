namespace Cli;

/// <summary>
/// Everything <c>ofc</c> takes from its process: output streams, environment variables, the config file's
/// path and whether stdout is a terminal. Tests pass their own.
/// </summary>
public sealed record OfcEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>~/.config/ofc/config.json unless given.</summary>
    public string ConfigPath { get; init; } = DefaultConfigPath();

    /// <summary>Colour and terminal-width tables only when true.</summary>
    public bool Interactive { get; init; }

    /// <summary>Runs ip, ovs-vsctl and nsenter for attach/detach; by default real processes that get this environment's OVS_* variables.</summary>
    public ICommandRunner? Runner { get; init; }

    internal ICommandRunner CommandRunner => Runner ?? new ProcessRunner(Variables);

    public static OfcEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Variables = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal),
        Interactive = !Console.IsOutputRedirected,
    };

    public string? Variable(string name) => Variables.TryGetValue(name, out var v) && v.Length != 0 ? v : null;

    private static string DefaultConfigPath()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : xdg;
        return Path.Combine(root, "ofc", "config.json");
    }
}
