namespace Controller.Cluster;

internal sealed partial class ClusterMembership
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Joined the cluster as {MemberId} with lease {LeaseId} (TTL {Ttl} s)")]
        public static partial void Joined(ILogger logger, string memberId, string leaseId, long ttl);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Master of {Kind} {Id} with generation id {Generation}")]
        public static partial void Mastered(ILogger logger, string kind, string id, ulong generation);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "No longer master of {Kind} {Id} (now {Owner})")]
        public static partial void Lost(ILogger logger, string kind, string id, string owner);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Stepped down from {Count} switch masterships and host writerships: {Reason}")]
        public static partial void LostAll(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Released {Kind} {Id}: it is no longer connected here")]
        public static partial void Released(ILogger logger, string kind, string id);

        [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Switch {DatapathId} granted role {Role} (generation id {Generation})")]
        public static partial void RoleGranted(ILogger logger, string datapathId, string role, ulong generation);

        [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Switch {DatapathId} did not grant role {Role} (generation id {Generation}): {Error}")]
        public static partial void RoleFailed(ILogger logger, string datapathId, string role, ulong generation, string error);

        [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Cluster step failed ({Kind}): {Error}")]
        public static partial void StepFailed(ILogger logger, string kind, string error);

        [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Not master of switch {DatapathId}: {Type} suppressed")]
        public static partial void WriteSuppressed(ILogger logger, string datapathId, string type);

        [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Switch {DatapathId} refused a write or role request: {Error}")]
        public static partial void WriteRefused(ILogger logger, string datapathId, string error);

    }
}
