namespace Controller.Hosts;

internal sealed partial class OvsdbManager
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "OVSDB connection from {Remote}")]
    private static partial void LogConnected(ILogger logger, string remote);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "OVSDB connection {Remote} (host {HostId}) ended")]
    private static partial void LogDisconnected(ILogger logger, string remote, string hostId);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "OVSDB accept failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "OVSDB dial {Target} failed: {Reason}; retrying")]
    private static partial void LogDialFailed(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "OVSDB dial {Target} failed; retrying")]
    private static partial void LogDialError(ILogger logger, string target, Exception error);
}
