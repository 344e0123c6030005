namespace Cli;

/// <summary>Bad arguments found after parsing (an invalid URL, a bad --ip): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The controller could not be reached: exit 3.</summary>
public sealed class UnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The controller answered with an error: exit 1. <see cref="Exception.Message"/> is the one line to print.</summary>
public sealed class RestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>A local command of attach/detach failed: exit 1.</summary>
public sealed class LocalCommandException(string message) : Exception(message);
