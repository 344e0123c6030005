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
///                  unicast dst -> 20; multicast/broadcast dst -> 21
///  2 FromTunnel    tun_id=segment -> push local VLAN -> 10; else drop
/// 10 Learn         learn(reverse path into 20), output:patch-int
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

    public static FrozenDictionary<byte, TableSchema> Tables { get; } = new TableSchema[]
    {
        new(Classify, "classify", [OxmBasic.InPort], [FromLocal, FromTunnel]),
        new(FromLocal, "from-local", [OxmBasic.EthDst, OxmBasic.EthType, OxmBasic.ArpOp, OxmBasic.VlanVid, OxmBasic.IpProto, OxmBasic.UdpSrc, OxmBasic.UdpDst], [ArpResponder, UcastToTun, FloodToTun]),
        new(FromTunnel, "from-tunnel", [OxmBasic.TunnelId], [Learn]),
        new(Learn, "learn", ImmutableArray<OxmBasic>.Empty, ImmutableArray<byte>.Empty),
        new(ArpResponder, "arp-responder", [OxmBasic.VlanVid, OxmBasic.EthType, OxmBasic.ArpOp, OxmBasic.ArpTpa], [FloodToTun]),
        new(UcastToTun, "ucast-to-tun", [OxmBasic.VlanVid, OxmBasic.EthDst], [FloodToTun]),
        new(FloodToTun, "flood-to-tun", [OxmBasic.VlanVid], ImmutableArray<byte>.Empty),
    }.ToFrozenDictionary(t => t.TableId);
}
