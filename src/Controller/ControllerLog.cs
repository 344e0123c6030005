namespace Controller;

/// <summary>Log messages of the composition root (event ids 1000-1099).</summary>
internal static partial class ControllerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Store opened at {Path}: {Networks} networks, {Hosts} hosts, {Ports} ports")]
    public static partial void StoreOpened(ILogger logger, string path, int networks, int hosts, int ports);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Rest:Token is not set: REST writes are open to anyone who can reach {Urls}")]
    public static partial void NoToken(ILogger logger, string urls);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Socket completions run {Mode}: {Why}")]
    public static partial void SocketCompletions(ILogger logger, string mode, string why);
}
