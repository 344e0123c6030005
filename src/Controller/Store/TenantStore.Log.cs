namespace Controller.Store;

/// <summary>Log messages of the store (event ids 2000-2099).</summary>
internal static partial class TenantStoreLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "A snapshot Changed handler threw on version {Version}; the write itself is committed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, long version);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Published snapshot {Version}: {Networks} networks, {Hosts} hosts, {Ports} ports, {Vlans} local VLANs")]
    public static partial void Published(ILogger logger, long version, int networks, int hosts, int ports, int vlans);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Write attempt {Attempt} lost a race: our revision {Ours}, the store's {Found}; retrying on the newer state")]
    public static partial void WriteConflict(ILogger logger, int attempt, long ours, long found);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Store staleness changed: stale={Stale} at revision {Revision}")]
    public static partial void Staleness(ILogger logger, bool stale, long revision);
}
