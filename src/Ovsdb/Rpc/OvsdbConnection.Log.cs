using Microsoft.Extensions.Logging;

namespace Ovsdb.Rpc;

public sealed partial class OvsdbConnection
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "OVSDB connection {Remote} closed")]
    private static partial void LogClosed(ILogger logger, string remote);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "OVSDB connection {Remote} closed: {Reason}")]
    private static partial void LogClosedWithError(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "OVSDB protocol error from {Remote}; closing: {Reason}")]
    private static partial void LogProtocolError(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "OVSDB reply from {Remote} with id {Id} matches no pending request; ignored")]
    private static partial void LogUnmatchedReply(ILogger logger, string remote, string id);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Debug, Message = "OVSDB method {Method} from {Remote} ignored")]
    private static partial void LogIgnoredMethod(ILogger logger, string remote, string method);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "OVSDB peer {Remote} silent for {IdleMs} ms and did not answer echo; closing")]
    private static partial void LogPeerDead(ILogger logger, string remote, long idleMs);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "OVSDB {Method} (id {Id}) to {Remote} timed out after {Timeout}")]
    private static partial void LogRequestTimeout(ILogger logger, string method, long id, string remote, TimeSpan timeout);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Debug, Message = "OVSDB write to {Remote} failed: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string remote, string reason);
}
