namespace Integration.Tests.Harness;

/// <summary>What a finished process left behind.</summary>
internal sealed record ShResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public IReadOnlyList<string> StdoutLines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
