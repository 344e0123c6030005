using Apps.Overlay;
using Apps.Flows;
using Apps.Model;
using OpenFlow;

namespace Apps.Tests.Fakes;

/// <summary>
/// Several hosts' br-tun switches joined by a full mesh of tunnels named by the Neutron convention.
/// A frame sent by a VM enters its host's br-tun on patch-int; tunnel outputs are carried to the
/// peer's matching tunnel port (VLAN must be gone, tun_id travels); outputs on patch-int are
/// deliveries to that host's br-int.
/// </summary>
internal sealed class FakeOverlay
{
    public const uint PatchPort = 1;

    private readonly Dictionary<string, FakeHost> _hosts = [];

    public FakeOverlay(NetworkSnapshot state, BrTunPipeline app)
    {
        State = state;
        App = app;
        foreach (var h in state.Hosts)
        {
            var dpid = h.DatapathId ?? throw new ArgumentException("every fake host needs a datapath id", nameof(state));
            var ports = new List<SwitchPort> { new(PatchPort, "patch-int", new MacAddress(0x0200_0000_0000UL | dpid)) };
            uint n = 2;
            foreach (var type in new[] { TunnelType.Vxlan, TunnelType.Gre })
            {
                foreach (var peer in state.Hosts.Where(p => p.Id != h.Id).OrderBy(p => p.Id, StringComparer.Ordinal))
                {
                    ports.Add(new SwitchPort(n++, TunnelPortName.Format(type, peer.TunnelIp), new MacAddress(0x0200_0000_0000UL | (dpid << 8) | n)));
                }
            }

            _hosts[h.Id] = new FakeHost(h, new SwitchSnapshot(dpid, ports));
        }

        Install();
    }

    public NetworkSnapshot State { get; private set; }

    public BrTunPipeline App { get; }

    public FakeHost Host(string id) => _hosts[id];

    /// <summary>Recomputes and installs every host's flows (learned entries are kept).</summary>
    public void Install(NetworkSnapshot? state = null)
    {
        State = state ?? State;
        foreach (var h in _hosts.Values)
        {
            var learned = h.Table.Flows.Where(f => f.Cookie == BrTunPipeline.LearnedCookie).ToList();
            h.Desired = App.ComputeDesired(State, h.Switch);
            h.Table = new FakeFlowTable(h.Desired);
            foreach (var l in learned)
            {
                h.Table.Add(l);
            }
        }
    }

    /// <summary>Sends a frame from a VM on <paramref name="hostId"/>, tagged with that host's VLAN for the VM's network.</summary>
    public OverlayTrace SendFromVm(string hostId, ushort vlan, MacAddress src, MacAddress dst)
    {
        var trace = new OverlayTrace();
        Run(_hosts[hostId], new FakePacket(PatchPort, src, dst, vlan), fromTunnel: false, trace, depth: 0);
        return trace;
    }

    /// <summary>Injects a frame arriving on host <paramref name="hostId"/> from the tunnel to <paramref name="peerId"/>.</summary>
    public OverlayTrace ReceiveFromTunnel(string hostId, string peerId, TunnelType type, ulong tunId, MacAddress src, MacAddress dst)
    {
        var host = _hosts[hostId];
        var port = host.Switch.FindPort(TunnelPortName.Format(type, _hosts[peerId].Info.TunnelIp))!;
        var trace = new OverlayTrace();
        Run(host, new FakePacket(port.Number, src, dst, null, tunId), fromTunnel: true, trace, depth: 0);
        return trace;
    }

    private void Run(FakeHost host, FakePacket packet, bool fromTunnel, OverlayTrace trace, int depth)
    {
        if (depth > 8)
        {
            trace.Violations.Add($"forwarding depth exceeded at {host.Info.Id}");
            return;
        }

        foreach (var o in host.Table.Process(packet))
        {
            if (o.Port == PatchPort)
            {
                trace.Deliveries.Add(new OverlayDelivery(host.Info.Id, o.Packet));
                continue;
            }

            var port = host.Switch.Ports.Single(p => p.Number == o.Port);
            if (!TunnelPortName.TryParse(port.Name, out var type, out var remote))
            {
                trace.Violations.Add($"{host.Info.Id}: output to non-tunnel port {port.Name}");
                continue;
            }

            if (fromTunnel)
            {
                trace.Violations.Add($"{host.Info.Id}: split horizon broken, tunnel traffic sent to {port.Name}");
                continue;
            }

            if (o.Packet.Vlan is not null)
            {
                trace.Violations.Add($"{host.Info.Id}: tagged frame sent into {port.Name}");
            }

            var peer = _hosts.Values.Single(h => h.Info.TunnelIp.Equals(remote));
            trace.TunnelHops.Add(new OverlayHop(host.Info.Id, peer.Info.Id, port.Name, type, o.Packet.TunId));
            var ingress = peer.Switch.FindPort(TunnelPortName.Format(type, host.Info.TunnelIp))!;
            Run(peer, o.Packet with { InPort = ingress.Number, Vlan = null }, fromTunnel: true, trace, depth + 1);
        }
    }
}
