namespace Controller.Hosts;

internal sealed partial class OvsdbHostSession
{
    [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "OVSDB {Remote}: monitoring (schema {SchemaVersion}, {Rows} rows)")]
    private static partial void LogMonitoring(ILogger logger, string remote, string schemaVersion, int rows);

    [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "OVSDB {Remote} refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string remote, string problem);

    [LoggerMessage(EventId = 7112, Level = LogLevel.Information, Message = "Host {HostId} ({Remote}): transaction of {Operations} operations committed: {Changes}")]
    private static partial void LogTransacted(ILogger logger, string hostId, string remote, int operations, string changes);

    [LoggerMessage(EventId = 7113, Level = LogLevel.Information, Message = "Host {HostId}: a concurrent change beat our transaction ({Reason}); recomputing")]
    private static partial void LogConcurrentChange(ILogger logger, string hostId, string reason);

    [LoggerMessage(EventId = 7114, Level = LogLevel.Warning, Message = "Host {HostId} ({Remote}): transaction failed: {Reason}")]
    private static partial void LogTransactionFailed(ILogger logger, string hostId, string remote, string reason);

    [LoggerMessage(EventId = 7115, Level = LogLevel.Warning, Message = "OVSDB {Remote}: {Problem}")]
    private static partial void LogUnidentified(ILogger logger, string remote, string problem);

    [LoggerMessage(EventId = 7116, Level = LogLevel.Warning, Message = "OVSDB {Remote} claims system-id {SystemId}; refused and closed: {Problem}")]
    private static partial void LogConflict(ILogger logger, string remote, string systemId, string problem);

    [LoggerMessage(EventId = 7117, Level = LogLevel.Information, Message = "Host {HostId} registered for system-id {SystemId}, encap IP {EncapIp}, from {Remote}")]
    private static partial void LogRegistered(ILogger logger, string hostId, string systemId, string encapIp, string remote);

    [LoggerMessage(EventId = 7118, Level = LogLevel.Information, Message = "Host {HostId}: br-tun datapath id {DatapathId} learned")]
    private static partial void LogLearnedDatapathId(ILogger logger, string hostId, string datapathId);

    [LoggerMessage(EventId = 7119, Level = LogLevel.Information, Message = "Host {HostId}: encap IP changed from {Old} to {New}")]
    private static partial void LogEncapChanged(ILogger logger, string hostId, string old, string @new);

    [LoggerMessage(EventId = 7120, Level = LogLevel.Information, Message = "OVSDB {Remote} (host {HostId}) ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, string remote, string hostId, string reason);

    [LoggerMessage(EventId = 7121, Level = LogLevel.Warning, Message = "Host {SystemId}: not writing its OVSDB: {Reason}")]
    private static partial void LogWriteSuppressed(ILogger logger, string systemId, string reason);

    [LoggerMessage(EventId = 7122, Level = LogLevel.Warning, Message = "Host {SystemId}: the ovsdb-server refused our transaction at the writer fence (a newer writer took over): {Reason}")]
    private static partial void LogWriteRefused(ILogger logger, string systemId, string reason);
}
