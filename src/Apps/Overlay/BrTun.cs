using System.Collections.Frozen;
using System.Collections.Immutable;
using Apps.Flows;
using OpenFlow.Matching;

namespace Apps.Overlay;

/// <summary>
/// Table numbers of the br-tun pipeline (the seed material's numbering) and the schema of each:
/// which fields its flows may match and which tables they may continue to.
/// </summary>
/// <remarks>
/// <code>
///  0 Classify      in_port=patch-int -> 1; in_port=tunnel -> 2; else drop
///  1 FromLocal     DHCP client (network with a prefix) -> controller; ARP request -> 19;
///                  multicast Neighbour Solicitation -> 17; unicast dst -> 20; multicast/broadcast dst -> 21
///  2 FromTunnel    tun_id=segment -> push local VLAN -> 10; else drop
/// 10 Learn         learn(reverse path into 20), output:patch-int
/// 17 NdResponder   NS for a known port's IPv6 -> rewritten into its NA (remote port) -> 18, or drop
///                  (local port: br-int already delivered it); DAD or no source link-layer option -> 21; else -> 21
/// 18 NdAdvert      the NA gets its target link-layer option, out in_port (reached only from 17)
/// 19 ArpResponder  ARP request for a known port's IP -> reply out in_port (remote port) or drop
///                  (local port: br-int already delivered it); else -> 21
/// 20 UcastToTun    learned (prio 1) and l2pop (prio 2) unicast; else -> 21
/// 21 FloodToTun    vlan=local -> pop, set tun_id, output to tunnels; else drop
/// </code>
/// </remarks>
public static class BrTun
{
    public const byte Classify = 0;
    public const byte FromLocal = 1;
    public const byte FromTunnel = 2;
    public const byte Learn = 10;

    /// <summary>Answers Neighbour Solicitations for the store's ports' IPv6 addresses on the requester's own host.</summary>
    public const byte NdResponder = 17;

    /// <summary>
    /// Second half of the ND answer: OVS allows <c>nd_tll</c> to be written only by a flow that matches an NA
    /// (icmpv6_type=136), so table 17 turns the NS into an NA and this table fills in the option.
    /// </summary>
    public const byte NdAdvert = 18;

    /// <summary>Answers ARP requests for the store's ports on the requester's own host (ahead of the flood table).</summary>
    public const byte ArpResponder = 19;
    public const byte UcastToTun = 20;
    public const byte FloodToTun = 21;

    /// <summary>Neutron's name for table 1 (PATCH_LV_TO_TUN).</summary>
    public const byte PatchLvToTun = FromLocal;

    /// <summary>Priority of the entries that table 10's learn action writes into table 20.</summary>
    public const ushort LearnedPriority = 1;

    /// <summary>Priority of the proactive l2population entries in table 20 (above learned ones).</summary>
    public const ushort L2PopPriority = 2;

    /// <summary>Priority of table 1's DHCP diversion to the controller (above the ARP diversion).</summary>
    public const ushort DhcpPriority = 3;

    /// <summary>Priority of table 1's ARP-request diversion to <see cref="ArpResponder"/> (above the broadcast split).</summary>
    public const ushort ArpRequestPriority = 2;

    /// <summary>Priority of table 1's diversion of multicast Neighbour Solicitations to <see cref="NdResponder"/> (above the broadcast split).</summary>
    public const ushort NdSolicitPriority = 2;

    public static FrozenDictionary<byte, TableSchema> Tables { get; } = new TableSchema[]
    {
        new(Classify, "classify", [OxmBasic.InPort], [FromLocal, FromTunnel]),
        new(FromLocal, "from-local", [OxmBasic.EthDst, OxmBasic.EthType, OxmBasic.ArpOp, OxmBasic.VlanVid, OxmBasic.IpProto, OxmBasic.UdpSrc, OxmBasic.UdpDst, OxmBasic.Icmpv6Type], [NdResponder, ArpResponder, UcastToTun, FloodToTun]),
        new(FromTunnel, "from-tunnel", [OxmBasic.TunnelId], [Learn]),
        new(Learn, "learn", ImmutableArray<OxmBasic>.Empty, ImmutableArray<byte>.Empty),
        new(NdResponder, "nd-responder", [OxmBasic.VlanVid, OxmBasic.EthType, OxmBasic.IpProto, OxmBasic.Icmpv6Type, OxmBasic.Ipv6Src, OxmBasic.Ipv6NdTarget, OxmBasic.Ipv6NdSll], [NdAdvert, FloodToTun]),
        new(NdAdvert, "nd-advert", [OxmBasic.EthType, OxmBasic.IpProto, OxmBasic.Icmpv6Type], ImmutableArray<byte>.Empty),
        new(ArpResponder, "arp-responder", [OxmBasic.VlanVid, OxmBasic.EthType, OxmBasic.ArpOp, OxmBasic.ArpTpa], [FloodToTun]),
        new(UcastToTun, "ucast-to-tun", [OxmBasic.VlanVid, OxmBasic.EthDst], [FloodToTun]),
        new(FloodToTun, "flood-to-tun", [OxmBasic.VlanVid], ImmutableArray<byte>.Empty),
    }.ToFrozenDictionary(t => t.TableId);
}
