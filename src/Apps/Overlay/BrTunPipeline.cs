// The br-tun pipeline, table by table (OpenFlow 1.3; the seed material's numbering):
//
// table 0  Classify    prio 1 in_port=patch-int            -> goto 1
//                      prio 1 in_port=<each tunnel port>    -> goto 2
//                      prio 0                               -> drop
// table 1  FromLocal   prio 3 vlan_vid=<local|PRESENT>, udp, udp_src=68, udp_dst=67 (DHCP client, per
//                             network with a prefix) -> output:CONTROLLER (answered by DhcpResponder)
//                      prio 2 arp, arp_op=1, eth_dst=ff:ff:ff:ff:ff:ff (ARP request)   -> goto 19
//                      prio 2 icmp6, icmp_type=135, eth_dst=33:33:00:00:00:00/ff:ff:00:00:00:00
//                             (multicast Neighbour Solicitation)                        -> goto 17
//                      prio 1 eth_dst=00:00:00:00:00:00/01:00:00:00:00:00 (unicast)  -> goto 20
//                      prio 1 eth_dst=01:00:00:00:00:00/01:00:00:00:00:00 (multi/broadcast) -> goto 21
// table 2  FromTunnel  prio 1 tun_id=<segment>  (per network present on this host)
//                             -> push_vlan:0x8100, set_field:<local VLAN|PRESENT>->vlan_vid, goto 10
//                      prio 0                               -> drop
// table 10 Learn       prio 1 -> learn(table=20, priority=1, hard_timeout=300, cookie=<learned>,
//                                  VLAN_TCI[0..11], ETH_DST=ETH_SRC, load 0->VLAN_TCI,
//                                  load TUN_ID->TUN_ID, output:IN_PORT),
//                                output:patch-int
// table 17 NdResponder prio 3 icmp6, icmp_type=135, ipv6_src=:: (DAD probe)             -> goto 21
//                      prio 2 icmp6, icmp_type=135, nd_sll=00:00:00:00:00:00 (no source option) -> goto 21
//                      prio 1 vlan_vid=<local|PRESENT>, icmp6, icmp_type=135, nd_target=<IPv6 of a port of that network>
//                             remote port -> the NS becomes its NA in place: eth_dst=eth_src, eth_src=MAC,
//                               ipv6_dst=ipv6_src, ipv6_src=target, icmpv6_type=136, nd_reserved=0x60000000
//                               (solicited, override), nd_options_type=2 (the option becomes a target
//                               link-layer address), goto 18;
//                             local port  -> drop: br-int already delivered the solicitation to the VM
//                      prio 0 -> goto 21 (unknown targets still flood)
// table 18 NdAdvert    prio 1 icmp6, icmp_type=136 -> move eth_src->nd_tll, output:IN_PORT (back to br-int).
//                             OVS lets a flow write nd_tll only when it matches an NA, hence the second table.
//                      prio 0 -> drop
// table 19 ArpResponder prio 1 vlan_vid=<local|PRESENT>, arp, arp_op=1, arp_tpa=<IP of a port of that network>
//                             remote port -> turn the request into the reply in place (Neutron's
//                               arp_responder: eth_dst=eth_src, eth_src=MAC, arp_op=2, tha=sha,
//                               tpa=spa, sha=MAC, spa=IP) and output:IN_PORT, back to br-int;
//                             local port  -> drop: br-int already delivered the request to the VM
//                      prio 1 ... arp_tpa=<virtual DHCP server address> -> reply with the server's MAC
//                      prio 0 -> goto 21 (unknown IPs still flood)
// table 20 UcastToTun  prio 2 vlan_vid=<local|PRESENT>, eth_dst=<remote port MAC>   (l2population)
//                             -> pop_vlan, set_field:<segment>->tun_id, output:<tunnel to its host>
//                      prio 1 entries written by the learn action (cookie LearnedCookie; not ours to manage)
//                      prio 0 -> goto 21
// table 21 FloodToTun  prio 1 vlan_vid=<local|PRESENT>  (per network present on this host)
//                             -> pop_vlan, set_field:<segment>->tun_id, output:<tunnel ports>
//                      prio 0 -> drop
//
// Split horizon by construction: traffic from a tunnel (table 2) only reaches table 10, whose only
// output is patch-int; tables 20/21 are reached only from patch-int (table 1).
//
// Which networks: only those with at least one port on this host and a local VLAN for it.
// Which tunnel ports: the switch's ports named vxlan-/gre-/gnv-<hex IPv4 or IPv6 hash> (Neutron), or
// declared in the snapshot; a network uses only the tunnel ports of its own tunnel type. Flooding
// goes to all of them, or, with l2population, only to ports leading to hosts that have the network.
using System.Collections.Frozen;
using Apps.Dhcp;
using Apps.Flows;
using Apps.Model;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Overlay;

/// <summary>Computes the br-tun flows of one host's switch from the network state. Pure.</summary>
public sealed class BrTunPipeline : IFlowApp
{
    /// <summary>App-local cookie bits of the entries the learn action creates (above any 24-bit segment).</summary>
    public const ulong LearnedCookieLocal = 0xffff_ffff_ffffUL;

    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const byte IpProtocolUdp = 17;
    private const ushort ArpRequestOp = 1;
    private const ushort ArpReply = 2;
    private const ushort EtherTypeIpv6 = 0x86dd;
    private const byte IpProtocolIcmpv6 = 58;
    private const byte NeighbourSolicitation = 135;
    private const byte NeighbourAdvertisement = 136;

    /// <summary>An NA's flags word answering a solicitation for a host: Solicited and Override set, Router clear.</summary>
    private const uint NdSolicitedOverride = 0x6000_0000;

    /// <summary>ND option type 2, Target Link-Layer Address.</summary>
    private const byte NdTargetLinkLayerOption = 2;

    // 33:33:xx:xx:xx:xx is IPv6 multicast; a solicited-node address is one of them.
    private static readonly MacAddress Ipv6Multicast = new(0x3333_0000_0000UL);
    private static readonly MacAddress Ipv6MulticastMask = new(0xffff_0000_0000UL);

    private static readonly MacAddress MulticastBit = new(0x0100_0000_0000UL);

    private readonly BrTunOptions _options;

    public BrTunPipeline(BrTunOptions? options = null)
    {
        _options = options ?? new BrTunOptions();
    }

    /// <summary>The cookie the learn action stamps on the entries it writes into table 20.</summary>
    public static Cookie LearnedCookie { get; } = AppId.BrTun.Cookie(LearnedCookieLocal);

    public AppId Id => AppId.BrTun;

    public BrTunOptions Options => _options;

    public IReadOnlySet<ulong> PreservedCookies { get; } = new[] { LearnedCookie.Value }.ToFrozenSet();

    public IReadOnlySet<FlowEntry> ComputeDesired(NetworkSnapshot state, SwitchSnapshot sw)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sw);
        var flows = new List<FlowEntry>();
        var self = FindHost(state, sw.DatapathId);
        var patch = sw.FindPort(_options.PatchIntPortName);
        var tunnels = FindTunnelPorts(state, sw);
        var baseCookie = Id.Cookie();

        // Table 0: classify by ingress.
        if (patch is not null)
        {
            flows.Add(Flow(BrTun.Classify, 1, baseCookie, Match.Canonical(Oxm.InPort(patch.Number)), Goto(BrTun.FromLocal)));
        }

        foreach (var t in tunnels)
        {
            flows.Add(Flow(BrTun.Classify, 1, baseCookie, Match.Canonical(Oxm.InPort(t.Number)), Goto(BrTun.FromTunnel)));
        }

        flows.Add(Flow(BrTun.Classify, 0, baseCookie, Match.Empty));

        // Table 1: from local VMs, split unicast from multicast/broadcast on the group bit.
        flows.Add(Flow(BrTun.FromLocal, 1, baseCookie, Match.Canonical(Oxm.EthDst(MacAddress.Zero, MulticastBit)), Goto(BrTun.UcastToTun)));
        flows.Add(Flow(BrTun.FromLocal, 1, baseCookie, Match.Canonical(Oxm.EthDst(MulticastBit, MulticastBit)), Goto(BrTun.FloodToTun)));
        if (_options.ArpResponder)
        {
            flows.Add(Flow(BrTun.FromLocal, BrTun.ArpRequestPriority, baseCookie, ArpRequest(Oxm.EthDst(MacAddress.Broadcast)), Goto(BrTun.ArpResponder)));
            flows.Add(Flow(BrTun.ArpResponder, 0, baseCookie, Match.Empty, Goto(BrTun.FloodToTun)));
        }

        if (_options.NdResponder)
        {
            AddNdDefaults(flows, baseCookie);
        }

        // Tables 2/20/21 defaults.
        flows.Add(Flow(BrTun.FromTunnel, 0, baseCookie, Match.Empty));
        flows.Add(Flow(BrTun.UcastToTun, 0, baseCookie, Match.Empty, Goto(BrTun.FloodToTun)));
        flows.Add(Flow(BrTun.FloodToTun, 0, baseCookie, Match.Empty));

        // Table 10: learn the reverse path, then hand the frame to br-int.
        if (patch is not null)
        {
            flows.Add(Flow(
                BrTun.Learn,
                1,
                baseCookie,
                Match.Empty,
                new ApplyActions(
                    BrTunLearning.ReturnPath(BrTun.UcastToTun, BrTun.LearnedPriority, _options.LearnHardTimeout, LearnedCookie.Value),
                    Output(patch.Number))));
        }

        if (self is not null)
        {
            AddNetworkFlows(flows, state, self, tunnels);
        }

        return new FlowSet(flows);
    }

    /// <summary>The host whose br-tun has datapath id <paramref name="datapathId"/>, if any.</summary>
    public static HostInfo? FindHost(NetworkSnapshot state, ulong datapathId)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var h in state.Hosts)
        {
            if (h.DatapathId is { } d && d == datapathId)
            {
                return h;
            }
        }

        return null;
    }

    /// <summary>
    /// The switch's tunnel ports, ordered by port number: declared ones (the declaration wins) and
    /// those named by the Neutron convention, each with the host it leads to when known.
    /// </summary>
    public IReadOnlyList<TunnelPort> FindTunnelPorts(NetworkSnapshot state, SwitchSnapshot sw)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sw);
        var self = FindHost(state, sw.DatapathId);
        var result = new List<TunnelPort>();
        foreach (var p in sw.Ports.OrderBy(p => p.Number))
        {
            if (string.Equals(p.Name, _options.PatchIntPortName, StringComparison.Ordinal))
            {
                continue;
            }

            var decl = state.TunnelPorts.FirstOrDefault(d =>
                string.Equals(d.PortName, p.Name, StringComparison.Ordinal)
                && (d.OnHostId is null || (self is not null && d.OnHostId == self.Id)));
            if (decl is not null)
            {
                var known = state.Hosts.Any(h => h.Id == decl.ToHostId);
                result.Add(new TunnelPort(p.Number, p.Name, decl.TunnelType, known ? decl.ToHostId : null));
                continue;
            }

            if (TunnelPortName.TryParse(p.Name, out var type, out var remote))
            {
                // An IPv4 name spells the address; an IPv6 name is a hash, matched against each host's.
                var host = state.Hosts.FirstOrDefault(h => remote is not null ? h.TunnelIp.Equals(remote) : TunnelPortName.Leads(p.Name, type, h.TunnelIp));
                result.Add(new TunnelPort(p.Number, p.Name, type, host?.Id));
            }
        }

        return result;
    }

    /// <summary>Whether l2population applies on this switch, given its tunnel ports.</summary>
    public bool UsesL2Population(IReadOnlyList<TunnelPort> tunnels)
    {
        ArgumentNullException.ThrowIfNull(tunnels);
        return _options.L2Population switch
        {
            L2PopulationMode.On => true,
            L2PopulationMode.Off => false,
            _ => tunnels.All(t => t.ToHostId is not null),
        };
    }

    private void AddNetworkFlows(List<FlowEntry> flows, NetworkSnapshot state, HostInfo self, IReadOnlyList<TunnelPort> tunnels)
    {
        var l2pop = UsesL2Population(tunnels);
        var portsByNetwork = state.Ports.ToLookup(p => p.NetworkId, StringComparer.Ordinal);
        var vlans = new Dictionary<string, ushort>(StringComparer.Ordinal);
        foreach (var v in state.LocalVlans)
        {
            if (v.HostId == self.Id)
            {
                vlans.TryAdd(v.NetworkId, v.Vlan);
            }
        }

        foreach (var net in state.Networks.OrderBy(n => n.SegmentId).ThenBy(n => n.Id, StringComparer.Ordinal))
        {
            var ports = portsByNetwork[net.Id].ToList();
            if (!ports.Any(p => p.HostId == self.Id))
            {
                continue;
            }

            if (!vlans.TryGetValue(net.Id, out var vlan) || vlan is 0 or > 4094)
            {
                continue;
            }

            var vid = VlanVid.Tagged(vlan);
            var cookie = Id.Cookie(net.SegmentId);
            var typed = tunnels.Where(t => t.Type == net.TunnelType && t.ToHostId != self.Id).ToList();
            var hostsWithNet = ports.Select(p => p.HostId).Where(h => h != self.Id).ToHashSet(StringComparer.Ordinal);

            // Table 2: the segment's frames from tunnels get this host's local VLAN.
            flows.Add(Flow(
                BrTun.FromTunnel,
                1,
                cookie,
                Match.Canonical(Oxm.TunnelId(net.SegmentId)),
                new ApplyActions(new PushVlanAction(0x8100), new SetFieldAction(Oxm.VlanVid(vid))),
                Goto(BrTun.Learn)));

            // Table 1: this network's DHCP goes to the controller; table 19 answers ARP for its server.
            var dhcpServer = _options.Dhcp ? DhcpResponder.ServerAddress(state, net) : null;
            if (dhcpServer is not null)
            {
                flows.Add(Flow(
                    BrTun.FromLocal,
                    BrTun.DhcpPriority,
                    cookie,
                    Match.Canonical(Oxm.VlanVid(vid), Oxm.EthType(EtherTypeIpv4), Oxm.IpProto(IpProtocolUdp), Oxm.UdpSrc(DhcpResponder.ClientPort), Oxm.UdpDst(DhcpResponder.ServerPort)),
                    new ApplyActions(new OutputAction(OfpPort.Controller, OfpConstants.ControllerMaxLenNoBuffer))));
            }

            // Table 19: ARP requests for this network's known IPs never leave the host.
            if (_options.ArpResponder)
            {
                AddArpResponses(flows, self, ports, vid, cookie);
                if (dhcpServer is not null)
                {
                    flows.Add(Flow(BrTun.ArpResponder, 1, cookie, ArpRequest(Oxm.VlanVid(vid), Oxm.ArpTpa(dhcpServer)), ArpReplyActions(_options.DhcpServerMac, dhcpServer)));
                }
            }

            // Table 17: Neighbour Solicitations for this network's known IPv6 addresses never leave the host.
            if (_options.NdResponder)
            {
                AddNdResponses(flows, self, ports, vid, cookie);
            }

            // Table 21: flood the local VLAN's frames into the segment.
            var floodTo = l2pop ? typed.Where(t => t.ToHostId is not null && hostsWithNet.Contains(t.ToHostId)).ToList() : typed;
            if (floodTo.Count != 0)
            {
                flows.Add(Flow(
                    BrTun.FloodToTun,
                    1,
                    cookie,
                    Match.Canonical(Oxm.VlanVid(vid)),
                    new ApplyActions(ToTunnel(net.SegmentId).Concat(floodTo.Select(t => (OfpAction)Output(t.Number))).ToArray())));
            }

            // Table 20 (l2population): known remote MACs go straight to their host's tunnel.
            if (!l2pop)
            {
                continue;
            }

            // One network can hold tens of thousands of remote MACs: their flows share the VLAN field and,
            // per tunnel, one immutable instruction (equal by value either way).
            var seen = new HashSet<ulong>();
            var vlanField = Oxm.VlanVid(vid);
            var toTunnel = new Dictionary<uint, OfpInstruction>();
            foreach (var p in ports.Where(p => p.HostId != self.Id).OrderBy(p => p.Mac).ThenBy(p => p.Id, StringComparer.Ordinal))
            {
                var tunnel = typed.FirstOrDefault(t => t.ToHostId == p.HostId);
                if (tunnel is null || !seen.Add(p.Mac))
                {
                    continue;
                }

                if (!toTunnel.TryGetValue(tunnel.Number, out var send))
                {
                    send = new ApplyActions(ToTunnel(net.SegmentId).Append(Output(tunnel.Number)).ToArray());
                    toTunnel[tunnel.Number] = send;
                }

                flows.Add(Flow(
                    BrTun.UcastToTun,
                    BrTun.L2PopPriority,
                    cookie,
                    Match.Canonical(Oxm.EthDst(new MacAddress(p.Mac)), vlanField),
                    send));
            }
        }
    }

    private static void AddArpResponses(List<FlowEntry> flows, HostInfo self, List<PortInfo> ports, VlanVid vid, Cookie cookie) =>
        AddResponses(flows, BrTun.ArpResponder, self, ports, p => p.Ip, System.Net.Sockets.AddressFamily.InterNetwork, cookie,
            ip => ArpRequest(Oxm.VlanVid(vid), Oxm.ArpTpa(ip)),
            (mac, ip) => [ArpReplyActions(mac, ip)]);

    private static void AddNdResponses(List<FlowEntry> flows, HostInfo self, List<PortInfo> ports, VlanVid vid, Cookie cookie) =>
        AddResponses(flows, BrTun.NdResponder, self, ports, p => p.Ipv6, System.Net.Sockets.AddressFamily.InterNetworkV6, cookie,
            ip => Solicitation(Oxm.VlanVid(vid), Oxm.Ipv6NdTarget(ip)),
            (mac, ip) =>
            [
                new ApplyActions(
                    new NxRegMove(NxmHeader.NxmOfEthSrc, NxmHeader.NxmOfEthDst),
                    new SetFieldAction(Oxm.EthSrc(mac)),
                    new NxRegMove(NxmHeader.NxmNxIpv6Src, NxmHeader.NxmNxIpv6Dst),
                    new SetFieldAction(Oxm.Ipv6Src(ip)),
                    new SetFieldAction(Oxm.Icmpv6Type(NeighbourAdvertisement)),
                    new SetFieldAction(Oxm.NdReserved(NdSolicitedOverride)),
                    new SetFieldAction(Oxm.NdOptionsType(NdTargetLinkLayerOption))),
                Goto(BrTun.NdAdvert),
            ]);

    /// <summary>
    /// One priority-1 flow per distinct address of the network's ports in <paramref name="table"/>: a remote
    /// port's address gets <paramref name="answer"/>, a local one is dropped (br-int already delivered the
    /// broadcast or multicast request to the VM). A duplicate address keeps its first port by id.
    /// </summary>
    private static void AddResponses(
        List<FlowEntry> flows,
        byte table,
        HostInfo self,
        List<PortInfo> ports,
        Func<PortInfo, System.Net.IPAddress?> address,
        System.Net.Sockets.AddressFamily family,
        Cookie cookie,
        Func<System.Net.IPAddress, Match> request,
        Func<MacAddress, System.Net.IPAddress, OfpInstruction[]> answer)
    {
        var seen = new HashSet<System.Net.IPAddress>();
        foreach (var p in ports.Where(p => address(p)?.AddressFamily == family)
                     .OrderBy(p => address(p)!.ToString(), StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            var ip = address(p)!;
            if (!seen.Add(ip))
            {
                continue;
            }

            flows.Add(p.HostId == self.Id
                ? Flow(table, 1, cookie, request(ip))
                : Flow(table, 1, cookie, request(ip), answer(new MacAddress(p.Mac), ip)));
        }
    }

    private static void AddNdDefaults(List<FlowEntry> flows, Cookie cookie)
    {
        flows.Add(Flow(BrTun.FromLocal, BrTun.NdSolicitPriority, cookie, Solicitation(Oxm.EthDst(Ipv6Multicast, Ipv6MulticastMask)), Goto(BrTun.NdResponder)));

        // A DAD probe (from ::) has nobody to answer to; one without a source link-layer option has no option
        // to turn into the target's: both are left to the tunnels, as before.
        flows.Add(Flow(BrTun.NdResponder, 3, cookie, Solicitation(Oxm.Ipv6Src(System.Net.IPAddress.IPv6Any)), Goto(BrTun.FloodToTun)));
        flows.Add(Flow(BrTun.NdResponder, 2, cookie, Solicitation(Oxm.Ipv6NdSll(MacAddress.Zero)), Goto(BrTun.FloodToTun)));
        flows.Add(Flow(BrTun.NdResponder, 0, cookie, Match.Empty, Goto(BrTun.FloodToTun)));
        flows.Add(Flow(
            BrTun.NdAdvert,
            1,
            cookie,
            Match.Canonical(Oxm.EthType(EtherTypeIpv6), Oxm.IpProto(IpProtocolIcmpv6), Oxm.Icmpv6Type(NeighbourAdvertisement)),
            new ApplyActions(new NxRegMove(NxmHeader.NxmOfEthSrc, NxmHeader.NxmNxNdTll), Output(OfpPort.InPort))));
        flows.Add(Flow(BrTun.NdAdvert, 0, cookie, Match.Empty));
    }

    private static Match Solicitation(params OxmField[] fields) =>
        Match.Canonical([Oxm.EthType(EtherTypeIpv6), Oxm.IpProto(IpProtocolIcmpv6), Oxm.Icmpv6Type(NeighbourSolicitation), .. fields]);

    // Turns the request into the reply in place and sends it back where it came from (Neutron's arp_responder).
    private static ApplyActions ArpReplyActions(MacAddress mac, System.Net.IPAddress ip) => new(
        new NxRegMove(NxmHeader.NxmOfEthSrc, NxmHeader.NxmOfEthDst),
        new SetFieldAction(Oxm.EthSrc(mac)),
        new SetFieldAction(Oxm.ArpOp(ArpReply)),
        new NxRegMove(NxmHeader.NxmNxArpSha, NxmHeader.NxmNxArpTha),
        new NxRegMove(NxmHeader.NxmOfArpSpa, NxmHeader.NxmOfArpTpa),
        new SetFieldAction(Oxm.ArpSha(mac)),
        new SetFieldAction(Oxm.ArpSpa(ip)),
        Output(OfpPort.InPort));

    private static Match ArpRequest(params OxmField[] fields) =>
        Match.Canonical([Oxm.EthType(EtherTypeArp), Oxm.ArpOp(ArpRequestOp), .. fields]);

    private static OfpAction[] ToTunnel(uint segment) => [new PopVlanAction(), new SetFieldAction(Oxm.TunnelId(segment))];

    // max_len only matters for CONTROLLER; 0 is what ovs-ofctl writes for other ports.
    private static OutputAction Output(uint port) => new(port, 0);

    private static GotoTable Goto(byte table) => new(table);

    private static FlowEntry Flow(byte table, ushort priority, Cookie cookie, Match match, params OfpInstruction[] instructions) => new()
    {
        TableId = table,
        Priority = priority,
        Cookie = cookie,
        Match = match,
        Instructions = [.. instructions],
    };
}
