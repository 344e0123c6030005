namespace Cli;

/// <summary>What <c>ofc</c> exits with, for scripts.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The controller answered with an error (problem details), or a local command of attach/detach failed.</summary>
    public const int RestError = 1;

    /// <summary>Wrong arguments or options.</summary>
    public const int Usage = 2;

    /// <summary>No answer from the controller (connection refused, DNS, timeout).</summary>
    public const int Unreachable = 3;
}
