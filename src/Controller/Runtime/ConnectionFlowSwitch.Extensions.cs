using Controller.Reconcile;
using Controller.Switches;
using OpenFlow.Messages;
using OpenFlow.Nicira;

namespace Controller.Runtime;

/// <summary>
/// The flow monitor and bundles over the switch connection. The monitor is OVS's OpenFlow 1.3
/// ONFST_FLOW_MONITOR (the ONF form of NXST_FLOW_MONITOR); bundles are the ONF bundle extension
/// (ONFT_BUNDLE_CONTROL / ONFT_BUNDLE_ADD_MESSAGE), opened ATOMIC|ORDERED.
/// </summary>
internal sealed partial class ConnectionFlowSwitch : IFlowMonitorSwitch, IBundleSwitch
{
    private const BundleFlags AtomicOrdered = BundleFlags.Atomic | BundleFlags.Ordered;
    private static int s_bundleIds;

    public async Task StartFlowMonitorAsync(uint id, Action<OfpMessage> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        if (_connection is not IFlowMonitorSource source)
        {
            throw new NotSupportedException("this connection does not deliver flow monitor updates");
        }

        // Hooked before the request: an update may follow the reply in the same read.
        source.SetFlowMonitorHandler(onMessage);
        try
        {
            await _connection.RequestMultipartAsync(
                new MultipartRequest
                {
                    Body = new NxFlowMonitorRequest
                    {
                        Monitors = [new NxFlowMonitorEntry { Id = id, Flags = NxFlowMonitorFlags.Add | NxFlowMonitorFlags.Delete | NxFlowMonitorFlags.Modify }],
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            source.SetFlowMonitorHandler(null);
            throw;
        }
    }

    public async Task StopFlowMonitorAsync(uint id, CancellationToken cancellationToken)
    {
        if (_connection is IFlowMonitorSource source)
        {
            source.SetFlowMonitorHandler(null);
        }

        if (_connection.IsActive)
        {
            await _connection.SendAsync(new NxFlowMonitorCancel { Id = id }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<BundleResult> CommitBundleAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var bundleId = (uint)Interlocked.Increment(ref s_bundleIds);
        try
        {
            var open = await _connection.RequestAsync<BundleControl>(
                new BundleControl { BundleId = bundleId, ControlType = BundleControlType.OpenRequest, Flags = AtomicOrdered }, cancellationToken).ConfigureAwait(false);
            if (open.ControlType != BundleControlType.OpenReply || open.BundleId != bundleId)
            {
                return new BundleResult(BundleOutcome.Refused, []);
            }
        }
        catch (OpenFlowErrorException e)
        {
            return new BundleResult(BundleOutcome.Refused, [e.Error]);
        }
        catch (Exception e) when (e is TimeoutException or NotSupportedException)
        {
            // A switch that ignores the unknown experimenter message never answers: no bundles there.
            return new BundleResult(BundleOutcome.Refused, []);
        }

        // The inner message keeps the add's xid, as ovs-ofctl --bundle does, so an error names both.
        var adds = new List<OfpMessage>(messages.Count);
        foreach (var m in messages)
        {
            var xid = _connection.NextXid();
            adds.Add(new BundleAdd { Xid = xid, BundleId = bundleId, Flags = AtomicOrdered, Message = m with { Xid = xid } });
        }

        var flowMods = messages.Count(m => m is FlowMod);
        if (flowMods != 0)
        {
            _metrics?.FlowMods(flowMods);
        }

        var addErrors = await _connection.SendWithBarrierAsync(adds, cancellationToken).ConfigureAwait(false);
        if (addErrors.Count != 0)
        {
            await DiscardAsync(bundleId, cancellationToken).ConfigureAwait(false);
            return new BundleResult(BundleOutcome.Failed, addErrors);
        }

        try
        {
            var commit = await _connection.RequestAsync<BundleControl>(
                new BundleControl { BundleId = bundleId, ControlType = BundleControlType.CommitRequest, Flags = AtomicOrdered }, cancellationToken).ConfigureAwait(false);
            return commit.ControlType == BundleControlType.CommitReply ? BundleResult.Committed : new BundleResult(BundleOutcome.Failed, []);
        }
        catch (OpenFlowErrorException e)
        {
            return new BundleResult(BundleOutcome.Failed, [e.Error]);
        }
    }

    private async Task DiscardAsync(uint bundleId, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.RequestAsync<BundleControl>(
                new BundleControl { BundleId = bundleId, ControlType = BundleControlType.DiscardRequest, Flags = AtomicOrdered }, cancellationToken).ConfigureAwait(false);
        }
        catch (OpenFlowErrorException)
        {
            // The switch may have dropped the bundle already after the failed add.
        }
    }
}
