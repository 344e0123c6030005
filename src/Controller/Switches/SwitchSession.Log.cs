using Microsoft.Extensions.Logging;
using OpenFlow.Protocol;

namespace Controller.Switches;

internal sealed partial class SwitchSession
{
    private const int LogHexBytes = 32;

    private readonly LogLimiter _logLimiter;

    /// <summary>Log lines of this switch suppressed by the rate limit.</summary>
    internal long LogLinesSuppressed => _logLimiter.SuppressedTotal;

    /// <summary>Rate limit for this switch's log lines; logs the summary of what it suppressed before the next line.</summary>
    private bool MayLog()
    {
        if (!_logLimiter.TryAcquire(out var suppressed))
        {
            return false;
        }

        if (suppressed != 0)
        {
            LogSuppressed(_logger, _scope.DatapathId, _scope.Remote, suppressed);
        }

        return true;
    }

    private static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data[..Math.Min(data.Length, LogHexBytes)]);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Connection from {Remote}; HELLO sent")]
    private static partial void LogConnected(ILogger logger, string remote);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Switch {DatapathId} ready from {Remote}: {PortCount} ports, role {Role}")]
    private static partial void LogReady(ILogger logger, string datapathId, string remote, int portCount, string role);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Switch {DatapathId} disconnected ({Remote})")]
    private static partial void LogDisconnected(ILogger logger, string datapathId, string remote);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "HELLO from {Remote} (version 0x{Version:x2}) does not offer OpenFlow 1.3; sent HELLO_FAILED and closing")]
    private static partial void LogHelloIncompatible(ILogger logger, string remote, byte version);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "{Type} (xid {Xid}) from {Remote} before HELLO; sent BAD_REQUEST and closing")]
    private static partial void LogBeforeHello(ILogger logger, string type, uint xid, string remote);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Undecodable message type {TypeByte} xid {Xid} length {Length}: {Reason}; answered {ErrorType}/{Code}; first bytes {Hex}")]
    private static partial void LogDecodeFailed(ILogger logger, byte typeByte, uint xid, int length, string reason, ErrorType errorType, ushort code, string hex);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Switch {DatapathId} sent OFPT_ERROR {Error} for xid {Xid}{Matched}; offending bytes {Hex}")]
    private static partial void LogSwitchError(ILogger logger, string datapathId, string error, uint xid, string matched, string hex);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Framing error from {Remote}; closing: {Reason}")]
    private static partial void LogFraming(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "No message from {Remote} for {IdleMs} ms; closing")]
    private static partial void LogEchoTimeout(ILogger logger, string remote, long idleMs);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Handshake with {Remote} not finished within {Timeout} (at {Phase}); closing")]
    private static partial void LogHandshakeTimeout(ILogger logger, string remote, TimeSpan timeout, string phase);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Switch {DatapathId} refused ROLE_REQUEST(master) with {Error}; continuing as equal")]
    private static partial void LogRoleRefused(ILogger logger, string datapathId, string error);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "Handshake with {Remote} failed at {Phase}: {Error}; closing")]
    private static partial void LogHandshakeFailed(ILogger logger, string remote, string phase, string error);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Debug, Message = "Unexpected {Type} xid {Xid} ignored")]
    private static partial void LogUnexpected(ILogger logger, string type, uint xid);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Debug, Message = "Connection from {Remote} failed; closing")]
    private static partial void LogConnectionException(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Debug, Message = "Connection from {Remote} closed before the handshake finished")]
    private static partial void LogClosedEarly(ILogger logger, string remote);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Debug, Message = "Replaced connection of {DatapathId} from {Remote} closed")]
    private static partial void LogReplacedClosed(ILogger logger, string datapathId, string remote);

    [LoggerMessage(EventId = 1117, Level = LogLevel.Warning, Message = "Request xid {Xid} ({Type}) to {DatapathId} timed out after {Timeout}")]
    private static partial void LogRequestTimeout(ILogger logger, uint xid, string type, string datapathId, TimeSpan timeout);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "PACKET_IN handler failed on switch {DatapathId}")]
    private static partial void LogPacketInFailed(ILogger logger, string datapathId, Exception exception);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "Switch {DatapathId} ({Remote}) sent a multipart reply (xid {Xid}) over the cap of {MaxMessages} parts or {MaxBytes} bytes; sent MULTIPART_BUFFER_OVERFLOW and closing")]
    private static partial void LogMultipartOverflow(ILogger logger, string datapathId, string remote, uint xid, int maxMessages, long maxBytes);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Switch {DatapathId} ({Remote}): {Suppressed} log lines suppressed by the rate limit")]
    private static partial void LogSuppressed(ILogger logger, string datapathId, string remote, long suppressed);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Warning, Message = "Connection from {Remote} announced datapath {DatapathId}, which is live and answered an echo from {LiveRemote}; refused and closed")]
    private static partial void LogDuplicateRefused(ILogger logger, string datapathId, string remote, string liveRemote);
}
