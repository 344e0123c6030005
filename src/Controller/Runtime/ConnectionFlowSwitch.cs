using Apps.Flows;
using Controller.Metrics;
using Controller.Switches;
using Controller.Reconcile;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Runtime;

/// <summary>
/// The reconciler's view of a connected switch. <see cref="SendAsync"/> queues the batch and
/// <see cref="BarrierAsync"/> writes it together with the BARRIER_REQUEST in one flush
/// (<see cref="ISwitchConnection.SendWithBarrierAsync"/>), so the OFPT_ERRORs the switch returns are
/// correlated with the batch by xid. The reconciler always asks for the barrier right after a batch.
/// </summary>
internal sealed partial class ConnectionFlowSwitch : IFlowSwitch
{
    private readonly ISwitchConnection _connection;
    private readonly ControllerMetrics? _metrics;
    private readonly Lock _lock = new();
    private List<OfpMessage> _queued = [];

    public ConnectionFlowSwitch(ISwitchConnection connection, ControllerMetrics? metrics)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _metrics = metrics;
    }

    public ulong DatapathId => _connection.DatapathId.Value;

    public ISwitchConnection Connection => _connection;

    public async Task<IReadOnlyList<FlowEntry>> DumpFlowsAsync(ulong cookie, ulong cookieMask, CancellationToken cancellationToken)
    {
        var stats = await _connection.DumpFlowsAsync(OfpConstants.AllTables, cookie, cookieMask, cancellationToken).ConfigureAwait(false);
        return [.. stats.Select(FlowMods.FromStats)];
    }

    public async Task<long> CountFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken)
    {
        var parts = await _connection.RequestMultipartAsync(
            new MultipartRequest { Body = new AggregateStatsRequest { TableId = tableId, Cookie = new OpenFlow.Cookie(cookie), CookieMask = cookieMask } },
            cancellationToken).ConfigureAwait(false);
        return parts.Sum(p => p.Body is AggregateStatsReply a ? (long)a.FlowCount : 0);
    }

    public Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lock)
        {
            _queued.AddRange(messages);
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ErrorMessage>> BarrierAsync(CancellationToken cancellationToken)
    {
        List<OfpMessage> batch;
        lock (_lock)
        {
            batch = _queued;
            _queued = [];
        }

        var flowMods = batch.Count(m => m is FlowMod);
        if (flowMods != 0)
        {
            _metrics?.FlowMods(flowMods);
        }

        return await _connection.SendWithBarrierAsync(batch, cancellationToken).ConfigureAwait(false);
    }
}
