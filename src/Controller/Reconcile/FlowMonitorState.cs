namespace Controller.Reconcile;

/// <summary>Whether a reconciler watches its switch through a flow monitor; shown in REST.</summary>
public enum FlowMonitorState
{
    /// <summary>Not started yet (before the first sync), or turned off in the options.</summary>
    Off,

    /// <summary>The monitor is on: changes behind our back are repaired as they happen.</summary>
    Active,

    /// <summary>The switch refused the monitor (or the connection cannot carry it): periodic audit only.</summary>
    Unsupported,
}
