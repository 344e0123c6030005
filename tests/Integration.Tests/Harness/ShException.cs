namespace Integration.Tests.Harness;

/// <summary>A process failed or timed out; the message carries its command line, stdout and stderr.</summary>
internal sealed class ShException : Exception
{
    public ShException()
    {
    }

    public ShException(string message)
        : base(message)
    {
    }

    public ShException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ShException(ShResult result, string reason)
        : base($"{reason}: {result.CommandLine}\n--- exit code {result.ExitCode}\n--- stdout\n{result.Stdout}\n--- stderr\n{result.Stderr}")
    {
        Result = result;
    }

    public ShResult? Result { get; }
}
