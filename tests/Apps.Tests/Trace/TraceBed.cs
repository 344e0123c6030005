using Apps.Flows;
using Apps.Model;
using Apps.Overlay;
using Apps.Trace;
using OpenFlow;

namespace Apps.Tests.Trace;

/// <summary>Each host's br-tun as the controller would program it: patch-int is port 1, then one VXLAN port per peer.</summary>
internal sealed class TraceBed
{
    public TraceBed(NetworkSnapshot state, BrTunPipeline? app = null)
    {
        State = state;
        App = app ?? new BrTunPipeline();
        foreach (var h in state.Hosts)
        {
            var dpid = h.DatapathId!.Value;
            var ports = new List<SwitchPort> { new(1, "patch-int", new MacAddress(0x0200_0000_0000UL | dpid)) };
            uint n = 2;
            foreach (var peer in state.Hosts.Where(p => p.Id != h.Id).OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                ports.Add(new SwitchPort(n, TunnelPortName.Format(TunnelType.Vxlan, peer.TunnelIp), new MacAddress(0x0200_0000_1000UL | n)));
                n++;
            }

            var sw = new SwitchSnapshot(dpid, ports);
            Views[dpid] = new SwitchView(sw, [.. App.ComputeDesired(state, sw)]);
        }
    }

    public NetworkSnapshot State { get; }

    public BrTunPipeline App { get; }

    public Dictionary<ulong, SwitchView> Views { get; } = [];

    public HostInfo Host(string id) => State.Hosts.Single(h => h.Id == id);

    public SwitchView View(string hostId) => Views[Host(hostId).DatapathId!.Value];

    public uint TunnelPort(string onHost, string toHost) =>
        View(onHost).Switch.FindPort(TunnelPortName.Format(TunnelType.Vxlan, Host(toHost).TunnelIp))!.Number;

    public IReadOnlyList<TraceHop> Trace(string hostId, TracePacket packet) =>
        new OverlayTracer(App).Trace(State, Host(hostId), packet, d => Views.GetValueOrDefault(d));

    public static TracePacket FromVm(ushort vlan, MacAddress src, MacAddress dst) =>
        new() { InPort = 1, VlanId = vlan, EthSrc = src, EthDst = dst, EthType = TracePacket.EtherTypeIpv4 };
}
