namespace Controller.Metrics;

internal sealed partial class SwitchMetrics
{
    /// <summary>Log messages of the switch poller (event ids 8000-8099).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Polling port statistics of every switch every {Interval}")]
        public static partial void Polling(ILogger logger, TimeSpan interval);

        [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "Port statistics of switch {Dpid} not polled: {Reason}")]
        public static partial void PollFailed(ILogger logger, string dpid, string reason);
    }
}
