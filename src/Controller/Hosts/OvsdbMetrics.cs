using Controller.Metrics;
using Ovsdb.Operations;
using Prometheus;

namespace Controller.Hosts;

/// <summary>OVSDB collectors, on the controller's registry so /metrics exports them.</summary>
internal sealed class OvsdbMetrics
{
    /// <summary>Outcomes of a transaction, as <c>ofcontroller_ovsdb_transaction_duration_seconds{outcome}</c> labels them.</summary>
    private static readonly string[] Outcomes = ["ok", "wait", "timeout", "error"];

    private readonly Gauge _connected;
    private readonly Counter _connections;
    private readonly Counter _transactions;
    private readonly Counter _failures;
    private readonly IndexedChildren<Histogram.Child> _durations;

    public OvsdbMetrics(ControllerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var factory = metrics.Factory;
        _connected = factory.CreateGauge("ofcontroller_ovsdb_connections", "OVSDB connections open now.");
        _connections = factory.CreateCounter("ofcontroller_ovsdb_connections_total", "OVSDB connections accepted or dialed since start.");
        _transactions = factory.CreateCounter("ofcontroller_ovsdb_transactions_total", "OVSDB transactions sent by the host reconcilers.");
        _failures = factory.CreateCounter("ofcontroller_ovsdb_transaction_failures_total", "OVSDB transactions refused or unanswered, by reason (wait, error, timeout).", "reason");
        var durations = factory.CreateHistogram(
            "ofcontroller_ovsdb_transaction_duration_seconds",
            "Time from sending an OVSDB transact to its answer, by outcome (ok, wait: a wait operation found the row changed, timeout, error); _count is the number of transactions per outcome.",
            new HistogramConfiguration { LabelNames = ["outcome"], Buckets = ControllerMetrics.LatencyBuckets });
        _durations = new IndexedChildren<Histogram.Child>(durations, Outcomes);
    }

    public void Connected()
    {
        _connected.Inc();
        _connections.Inc();
    }

    public void Disconnected() => _connected.Dec();

    public void Transaction() => _transactions.Inc();

    public void Failure(string reason) => _failures.WithLabels(reason).Inc();

    /// <summary>
    /// Runs one transact and records its duration under its outcome, then passes on its result or exception
    /// unchanged (the caller still decides what a failure means). A cancelled transact is not recorded.
    /// </summary>
    public async Task<T> TimedAsync<T>(Func<Task<T>> transact, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(transact);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        T result;
        try
        {
            result = await transact().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var outcome = ex switch
            {
                OvsdbTransactionException { IsWaitFailure: true } => 1,
                TimeoutException => 2,
                _ => 3,
            };
            _durations[outcome].Observe(time.GetElapsedTime(started).TotalSeconds);
            throw;
        }

        _durations[0].Observe(time.GetElapsedTime(started).TotalSeconds);
        return result;
    }
}
