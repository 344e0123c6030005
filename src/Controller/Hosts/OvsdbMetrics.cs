using System.Diagnostics.Metrics;
using Controller.Metrics;

namespace Controller.Hosts;

/// <summary>OVSDB instruments, on the controller's meter so /metrics exports them.</summary>
internal sealed class OvsdbMetrics
{
    private readonly UpDownCounter<long> _connected;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _failures;

    public OvsdbMetrics(ControllerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        _connected = meter.CreateUpDownCounter<long>("ofcontroller_ovsdb_connections", description: "OVSDB connections open now.");
        _connections = meter.CreateCounter<long>("ofcontroller_ovsdb_connections_total", description: "OVSDB connections accepted or dialed since start.");
        _transactions = meter.CreateCounter<long>("ofcontroller_ovsdb_transactions_total", description: "OVSDB transactions sent by the host reconcilers.");
        _failures = meter.CreateCounter<long>("ofcontroller_ovsdb_transaction_failures_total", description: "OVSDB transactions refused or unanswered, by reason (wait, error, timeout).");
        _connected.Add(0);
        _connections.Add(0);
        _transactions.Add(0);
    }

    public void Connected()
    {
        _connected.Add(1);
        _connections.Add(1);
    }

    public void Disconnected() => _connected.Add(-1);

    public void Transaction() => _transactions.Add(1);

    public void Failure(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
