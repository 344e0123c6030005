using System.Collections.Immutable;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>The switch's ports: from PORT_DESC at the handshake, then kept current by PORT_STATUS.</summary>
internal sealed partial class SwitchSession
{
    private ImmutableArray<Port> _ports = [];

    private void OnPortStatus(PortStatus ps)
    {
        var ports = _ports;
        var builder = ImmutableArray.CreateBuilder<Port>(ports.Length + 1);
        foreach (var p in ports)
        {
            if (p.PortNo != ps.Desc.PortNo)
            {
                builder.Add(p);
            }
        }

        if (ps.Reason != PortReason.Delete)
        {
            builder.Add(ps.Desc);
        }

        builder.Sort(static (a, b) => a.PortNo.CompareTo(b.PortNo));
        _ports = builder.ToImmutable();
        if (_phase == Phase.Ready)
        {
            _registry.Publish(new SwitchPortsChanged(DatapathId, _ports, ps));
        }
    }
}
