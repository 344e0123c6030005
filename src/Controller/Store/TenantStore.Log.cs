namespace Controller.Store;

/// <summary>Log messages of the store (event ids 2000-2099).</summary>
internal static partial class TenantStoreLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "A snapshot Changed handler threw on version {Version}; the write itself is committed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, long version);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Published snapshot {Version}: {Networks} networks, {Hosts} hosts, {Ports} ports, {Vlans} local VLANs")]
    public static partial void Published(ILogger logger, long version, int networks, int hosts, int ports, int vlans);
}
