using System.Collections.Immutable;
using Apps.Model;
using Apps.Plumbing;

namespace Controller.Hosts;

/// <summary>
/// Desired host state from the apps' pure <see cref="HostPlumbingBuilder"/>, translated to OVSDB terms.
/// Configured controller targets and datapath type (section <c>Plumbing</c>) win; otherwise the address the
/// host reached us on and the datapath type its bridges already use.
/// </summary>
internal sealed class PlumbingDesiredHostSource(PlumbingSettings settings) : IDesiredHostSource
{
    public string TunnelBridge => settings.TunnelBridge;

    public DesiredHost Compute(NetworkSnapshot state, HostInfo host, HostObservation observed, string defaultControllerTarget, string? observedDatapathType)
    {
        var effective = settings with
        {
            ControllerTargets = settings.ControllerTargets.IsEmpty ? [defaultControllerTarget] : settings.ControllerTargets,
            DatapathType = settings.DatapathType ?? observedDatapathType,
        };
        var vms = observed.VmInterfaces
            .Where(v => v.Bridge == effective.IntegrationBridge)
            .Select(v => new ObservedInterface(v.PortName, v.IfaceId, v.AttachedMac))
            .ToList();
        var plumbing = HostPlumbingBuilder.Compute(state, host, effective, vms);
        return new DesiredHost(
            [.. plumbing.Bridges.Select(b => new DesiredBridge(
                b.Name,
                b.DatapathType,
                b.FailMode,
                b.Protocols,
                b.ControllerTargets,
                [.. b.Ports.Select(p => new DesiredPort(p.Name, p.InterfaceType, p.Options))]))],
            [.. plumbing.Bindings.Select(b => new DesiredBinding(b.PortName, b.Tag, b.MtuRequest))]);
    }
}
