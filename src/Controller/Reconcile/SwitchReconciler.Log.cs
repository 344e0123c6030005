using Microsoft.Extensions.Logging;

namespace Controller.Reconcile;

public sealed partial class SwitchReconciler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Reconciled {Dpid}: {Added} added, {Modified} modified, {Deleted} deleted, {Unchanged} unchanged in {DurationMs:F1} ms (full {Full})")]
        public static partial void Reconciled(ILogger logger, string dpid, int added, int modified, int deleted, int unchanged, double durationMs, bool full);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Reconcile of {Dpid} failed; full resync in {RetryMs} ms")]
        public static partial void Failed(ILogger logger, string dpid, double retryMs, Exception exception);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Desired flow on {Dpid} replaces a flow the reconciler does not own: {Flow}")]
        public static partial void Overwrite(ILogger logger, string dpid, string flow);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Trace, Message = "{Dpid} {Command} {Flow}")]
        public static partial void FlowChange(ILogger logger, string dpid, string command, string flow);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Drift on {Dpid} repaired: {Added} flows put back, {Modified} restored, {Deleted} foreign-added under our cookie deleted")]
        public static partial void DriftRepaired(ILogger logger, string dpid, int added, int modified, int deleted);
    }
}
