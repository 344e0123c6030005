namespace Controller.Runtime;

internal sealed partial class FlowRuntime
{
    /// <summary>Log messages of the flow runtime (event ids 4000-4099).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Switch {Dpid} from {Remote} runs {App} ({Ports} ports)")]
        public static partial void SwitchProgrammed(ILogger logger, string dpid, string remote, string app, int ports);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Switch {Dpid} disconnected; its flows stay on the switch")]
        public static partial void SwitchGone(ILogger logger, string dpid);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Switch {Dpid} changes app from {OldApp} to {NewApp}; deleting the old app's flows")]
        public static partial void AppSwapped(ILogger logger, string dpid, string oldApp, string newApp);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Switch {Dpid}: could not delete the flows of {App}")]
        public static partial void CleanupFailed(ILogger logger, string dpid, string app, Exception exception);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Switch {Dpid} sent OFPT_ERROR: {Error}")]
        public static partial void SwitchError(ILogger logger, string dpid, string error);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Switch {Dpid}: answer to PACKET_IN not sent")]
        public static partial void PacketOutFailed(ILogger logger, string dpid, Exception exception);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Switch {Dpid}: handling {Event} failed")]
        public static partial void EventFailed(ILogger logger, string dpid, string @event, Exception exception);
    }
}
