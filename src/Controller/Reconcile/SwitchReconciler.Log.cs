using Microsoft.Extensions.Logging;

namespace Controller.Reconcile;

public sealed partial class SwitchReconciler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Reconciled {Dpid}: {Added} added, {Modified} modified, {Deleted} deleted, {Unchanged} unchanged in {DurationMs:F1} ms (full {Full}; compute {ComputeMs:F1}, read-back {ReadBackMs:F1}, diff {DiffMs:F1}, apply {ApplyMs:F1} ms)")]
        public static partial void Reconciled(ILogger logger, string dpid, int added, int modified, int deleted, int unchanged, double durationMs, bool full, double computeMs, double readBackMs, double diffMs, double applyMs);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Reconcile of {Dpid} failed; full resync in {RetryMs} ms")]
        public static partial void Failed(ILogger logger, string dpid, double retryMs, Exception exception);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Desired flow on {Dpid} replaces a flow the reconciler does not own: {Flow}")]
        public static partial void Overwrite(ILogger logger, string dpid, string flow);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Trace, Message = "{Dpid} {Command} {Flow}")]
        public static partial void FlowChange(ILogger logger, string dpid, string command, string flow);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Drift on {Dpid} repaired: {Added} flows put back, {Modified} restored, {Deleted} foreign-added under our cookie deleted")]
        public static partial void DriftRepaired(ILogger logger, string dpid, int added, int modified, int deleted);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Flow monitor {Id} on {Dpid}: changes behind our back are repaired as they happen")]
        public static partial void MonitorStarted(ILogger logger, string dpid, uint id);

        [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "{Dpid} has no flow monitor ({Reason}); drift is found by the periodic audit only")]
        public static partial void MonitorRefused(ILogger logger, string dpid, string reason);

        [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Cancelling the flow monitor of {Dpid} failed: {Reason}")]
        public static partial void MonitorCancelFailed(ILogger logger, string dpid, string reason);

        [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "{Dpid}: {Count} flow changes committed as one atomic bundle")]
        public static partial void BundleCommitted(ILogger logger, string dpid, int count);

        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "{Dpid}: bundle {Outcome} for {Count} flow changes, sending plain FLOW_MODs instead ({Errors})")]
        public static partial void BundleFallback(ILogger logger, string dpid, string outcome, int count, string errors);
    }
}
