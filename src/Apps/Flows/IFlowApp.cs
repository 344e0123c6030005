using Apps.Model;

namespace Apps.Flows;

/// <summary>
/// An app: a pure function from the network state and one switch's state to the flows that switch
/// should hold. No I/O, no store access, no clock; the reconciler installs the result.
/// </summary>
public interface IFlowApp
{
    AppId Id { get; }

    /// <summary>
    /// Cookies of flows that the switch or the packet path creates on the app's behalf (entries
    /// made by a <c>learn</c> action, reactive flows of a learning switch). They carry the app's
    /// prefix but are the switch's state, not drift: the reconciler never deletes them.
    /// </summary>
    IReadOnlySet<ulong> PreservedCookies { get; }

    IReadOnlySet<FlowEntry> ComputeDesired(NetworkSnapshot state, SwitchSnapshot sw);
}
