namespace Controller.Store.Persistence;

/// <summary>Log messages of the etcd backend (event ids 2100-2149).</summary>
internal static partial class EtcdLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Store on etcd {Location}, read at revision {Revision}")]
    public static partial void Connected(ILogger logger, string location, long revision);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "etcd request to {Endpoint} failed: {Status} {Detail}")]
    public static partial void RequestFailed(ILogger logger, string endpoint, Grpc.Core.StatusCode status, string detail);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "etcd watch from revision {From} is compacted (compact revision {Compact}); reloading the store")]
    public static partial void Compacted(ILogger logger, long from, long compact);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "etcd watch canceled: {Reason}")]
    public static partial void WatchCanceled(ILogger logger, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "etcd watch is behind (local revision {Local}, etcd {Head}); reloading the store and restarting the watch")]
    public static partial void WatchBehind(ILogger logger, long local, long head);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "etcd watch on {Endpoint} from revision {From}")]
    public static partial void WatchCreated(ILogger logger, string endpoint, long from);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "etcd watch on {Endpoint} ended at revision {Next}: {Reason}")]
    public static partial void WatchEnded(ILogger logger, string endpoint, long next, string reason);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "etcd watch on {Endpoint} from revision {Next} failed; trying again")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string endpoint, long next);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "etcd head probe on {Endpoint} failed; trying again")]
    public static partial void ProbeFailed(ILogger logger, Exception exception, string endpoint);
}
