using Apps.Model;
using Apps.Overlay;
using OpenFlow.Protocol;

namespace Apps.Trace;

/// <summary>
/// Follows a packet across the overlay: a trace on the first host's br-tun, then, for every output into a
/// tunnel, a trace on the receiving host's br-tun, entering on its tunnel port toward the sender (of the
/// same tunnel type) with the tun_id the sender set and the rest of the frame as it left (br-tun pops the
/// VLAN before a tunnel; a tag that is still there travels inside the encapsulation, as it would on OVS).
/// Outputs into patch-int are deliveries to that host's br-int. Breadth first, at most
/// <see cref="MaxHops"/> switches. Pure: the switches' ports and flows come from <c>view</c>.
/// </summary>
public sealed class OverlayTracer
{
    public const int MaxHops = 16;

    private readonly BrTunPipeline _app;

    public OverlayTracer(BrTunPipeline app)
    {
        _app = app ?? throw new ArgumentNullException(nameof(app));
    }

    /// <param name="state">The network state (hosts, networks, ports, local VLANs).</param>
    /// <param name="start">The host whose br-tun the packet enters.</param>
    /// <param name="packet">The packet, with its in_port on that switch.</param>
    /// <param name="view">The ports and flows of a host's switch by datapath id; null when it is not connected.</param>
    public IReadOnlyList<TraceHop> Trace(NetworkSnapshot state, HostInfo start, TracePacket packet, Func<ulong, SwitchView?> view)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(view);
        var first = (start.DatapathId is { } dpid ? view(dpid) : null) ?? throw new InvalidOperationException($"the switch of host {start.Id} is not connected");
        var hops = new List<TraceHop>();
        var queue = new Queue<Pending>();
        queue.Enqueue(new Pending(start, first, packet, null));
        while (queue.Count > 0)
        {
            var (host, sw, p, from) = queue.Dequeue();
            var index = hops.Count;
            var trace = PipelineTracer.Trace(sw.Flows, sw.PortNames, p);
            var tunnels = _app.FindTunnelPorts(state, sw.Switch);
            var outputs = new List<HopOutput>();
            foreach (var o in trace.Outputs)
            {
                // Hops are numbered in the order they are traced (breadth first).
                var nextIndex = index + 1 + queue.Count;
                var (output, next) = Classify(state, view, host, tunnels, o, nextIndex);
                outputs.Add(output);
                if (next is not null)
                {
                    queue.Enqueue(next with { From = index });
                }
            }

            hops.Add(new TraceHop(index, host, PipelineTracer.PortName(p.InPort, 0, sw.PortNames), trace, outputs, from));
        }

        return hops;
    }

    private (HopOutput Output, Pending? Next) Classify(
        NetworkSnapshot state,
        Func<ulong, SwitchView?> view,
        HostInfo host,
        IReadOnlyList<TunnelPort> tunnels,
        TraceOutput o,
        int nextIndex)
    {
        if (o.Port == OfpPort.Controller)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.Controller, o.Packet), null);
        }

        if (string.Equals(o.PortName, _app.Options.PatchIntPortName, StringComparison.Ordinal))
        {
            return (Delivery(state, host, o), null);
        }

        var tunnel = tunnels.FirstOrDefault(t => t.Number == o.Port);
        if (tunnel is null)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.Other, o.Packet), null);
        }

        var remote = tunnel.ToHostId is { } id ? state.Hosts.FirstOrDefault(h => h.Id == id) : null;
        if (remote is null)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.TunnelUnresolved, o.Packet, Note: "the host this tunnel leads to is not in the store"), null);
        }

        if (remote.DatapathId is not { } remoteDpid || view(remoteDpid) is not { } next)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.TunnelUnresolved, o.Packet, remote.Id, Note: $"the switch of host {remote.Id} is not connected"), null);
        }

        var ingress = _app.FindTunnelPorts(state, next.Switch).FirstOrDefault(t => t.ToHostId == host.Id && t.Type == tunnel.Type);
        if (ingress is null)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.TunnelUnresolved, o.Packet, remote.Id, Note: $"host {remote.Id} has no {tunnel.Type} tunnel port toward {host.Id}"), null);
        }

        if (nextIndex >= MaxHops)
        {
            return (new HopOutput(o.Port, o.PortName, HopOutputKind.HopLimit, o.Packet, remote.Id, Note: $"stopped after {MaxHops} switches"), null);
        }

        var note = o.Packet.VlanId is null ? null : "left the host still VLAN-tagged; the tag travels inside the encapsulation";
        var arriving = o.Packet with { InPort = ingress.Number, Metadata = 0 };
        return (new HopOutput(o.Port, o.PortName, HopOutputKind.Tunnel, o.Packet, remote.Id, nextIndex, Note: note), new Pending(remote, next, arriving, null));
    }

    private static HopOutput Delivery(NetworkSnapshot state, HostInfo host, TraceOutput o)
    {
        if (o.Packet.VlanId is not { } vlan)
        {
            return new HopOutput(o.Port, o.PortName, HopOutputKind.Delivered, o.Packet, host.Id, VmPorts: [], Note: "untagged: br-int has no network for it");
        }

        var local = state.LocalVlans.FirstOrDefault(v => v.HostId == host.Id && v.Vlan == vlan);
        var network = local is null ? null : state.Networks.FirstOrDefault(n => n.Id == local.NetworkId);
        if (network is null)
        {
            return new HopOutput(o.Port, o.PortName, HopOutputKind.Delivered, o.Packet, host.Id, VmPorts: [], Note: $"VLAN {vlan} is no network's on {host.Id}");
        }

        var ports = state.Ports.Where(p => p.NetworkId == network.Id && p.HostId == host.Id).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var dst = o.Packet.EthDst;
        var exact = dst.IsMulticast ? [] : ports.Where(p => p.Mac == dst.Value).ToList();
        var note = dst.IsMulticast ? "multicast/broadcast: every port of the network on this host"
            : exact.Count != 0 ? null
            : "no port of the network on this host has this MAC: br-int floods it to all of them";
        return new HopOutput(o.Port, o.PortName, HopOutputKind.Delivered, o.Packet, host.Id, Network: network, VmPorts: exact.Count != 0 ? exact : ports, Note: note);
    }

    private sealed record Pending(HostInfo Host, SwitchView View, TracePacket Packet, int? From);
}
