using Apps.Flows;
using Controller.Reconcile;
using Controller.Switches;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Nicira;
using OpenFlow.Protocol;

namespace Controller.Tests.Reconcile;

/// <summary>
/// A <see cref="FakeFlowSwitch"/> with OVS's flow monitor and atomic bundles: the test emits monitor
/// updates itself (as the switch would for a hand edit) and may refuse the monitor or the bundles.
/// A bundle applies every message or none (none when one would be rejected).
/// </summary>
internal sealed class MonitoredFakeSwitch : IFlowSwitch, IFlowMonitorSwitch, IBundleSwitch
{
    private volatile Action<OfpMessage>? _handler;
    private int _bundles;
    private int _bundleMessages;

    public MonitoredFakeSwitch(FakeFlowSwitch table)
    {
        Table = table;
    }

    public FakeFlowSwitch Table { get; }

    public ulong DatapathId => Table.DatapathId;

    public bool RefuseMonitor { get; set; }

    public bool RefuseBundles { get; set; }

    public int MonitorStarts { get; private set; }

    public int MonitorCancels { get; private set; }

    /// <summary>Bundles committed (or attempted, when refused or failed).</summary>
    public int BundleAttempts => Volatile.Read(ref _bundles);

    public int BundledMessages => Volatile.Read(ref _bundleMessages);

    public Task<IReadOnlyList<FlowEntry>> DumpFlowsAsync(ulong cookie, ulong cookieMask, CancellationToken cancellationToken) =>
        Table.DumpFlowsAsync(cookie, cookieMask, cancellationToken);

    public Task<long> CountFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken) =>
        Table.CountFlowsAsync(tableId, cookie, cookieMask, cancellationToken);

    public Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken) => Table.SendAsync(messages, cancellationToken);

    public Task<IReadOnlyList<ErrorMessage>> BarrierAsync(CancellationToken cancellationToken) => Table.BarrierAsync(cancellationToken);

    public Task StartFlowMonitorAsync(uint id, Action<OfpMessage> onMessage, CancellationToken cancellationToken)
    {
        MonitorStarts++;
        if (RefuseMonitor)
        {
            throw new OpenFlowErrorException(new DatapathId(DatapathId), new ErrorMessage { ErrorType = ErrorType.BadRequest, Code = (ushort)BadRequestCode.BadExperimenter });
        }

        _handler = onMessage;
        return Task.CompletedTask;
    }

    public Task StopFlowMonitorAsync(uint id, CancellationToken cancellationToken)
    {
        MonitorCancels++;
        _handler = null;
        return Task.CompletedTask;
    }

    public async Task<BundleResult> CommitBundleAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _bundles);
        if (RefuseBundles)
        {
            return new BundleResult(BundleOutcome.Refused, [new ErrorMessage { ErrorType = ErrorType.BadRequest, Code = (ushort)BadRequestCode.BadExperimenter }]);
        }

        if (messages.OfType<FlowMod>().Any(Table.Reject))
        {
            return new BundleResult(BundleOutcome.Failed, [new ErrorMessage { ErrorType = ErrorType.FlowModFailed }]);
        }

        Interlocked.Add(ref _bundleMessages, messages.Count);
        await Table.SendAsync(messages, cancellationToken).ConfigureAwait(false);
        var errors = await Table.BarrierAsync(cancellationToken).ConfigureAwait(false);
        return errors.Count == 0 ? BundleResult.Committed : new BundleResult(BundleOutcome.Failed, errors);
    }

    /// <summary>Sends an update to the subscribed reconciler, as the switch's I/O thread would.</summary>
    public void Emit(params NxFlowUpdate[] updates) =>
        _handler?.Invoke(new MultipartReply { Xid = 0, Body = new NxFlowMonitorReply { Updates = [.. updates] } });

    public void EmitMessage(OfpMessage message) => _handler?.Invoke(message);

    public bool Subscribed => _handler is not null;

    /// <summary>The update OVS sends when <paramref name="f"/> is deleted by someone else.</summary>
    public static NxFlowUpdateFull Deleted(FlowEntry f) => Full(NxFlowUpdateEvent.Deleted, f) with { Reason = 2 };

    public static NxFlowUpdateFull Full(NxFlowUpdateEvent e, FlowEntry f) => new()
    {
        Kind = e,
        TableId = f.TableId,
        Priority = f.Priority,
        Cookie = f.Cookie,
        Match = f.Match,
        Instructions = e == NxFlowUpdateEvent.Deleted ? [] : f.Instructions,
    };
}
