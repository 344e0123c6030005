using Controller.Switches;
using OpenFlow.Messages;

namespace Controller.Runtime;

/// <summary>
/// In a cluster only the switch's master runs a reconciler: a slave keeps its session (and its ports)
/// current but sends nothing. When it becomes master (a <see cref="SwitchRoleChanged"/> wakes the actor) a
/// fresh reconciler reads the switch's flows back and sends only the difference, which is nothing when
/// the previous master left it in sync.
/// </summary>
internal sealed partial class FlowRuntime
{
    private bool IsWriter(ManagedSwitch m) =>
        _arbiter is null || (m.Connection.Role == ControllerRole.Master && _arbiter.MayWrite(m.Connection.DatapathId));

    private async Task StepDownAsync(ManagedSwitch m)
    {
        if (m.Reconciler is { } r)
        {
            m.Reconciler = null;
            await r.DisposeAsync().ConfigureAwait(false);
            ClusterLog.SteppedDown(_logger, Hex(m.DatapathId), m.Connection.Role.ToString());
        }
    }

    private static partial class ClusterLog
    {
        [LoggerMessage(EventId = 4050, Level = LogLevel.Information, Message = "Switch {Dpid}: not its master (role {Role}); its reconciler stops, nothing is written")]
        public static partial void SteppedDown(ILogger logger, string dpid, string role);
    }
}
