namespace OpenFlow.Matching;

/// <summary>
/// The order in which OVS 3.1 writes match fields (<c>nx_put_raw</c>), determined with
/// <c>ovs-ofctl -O OpenFlow13 parse-flow</c> on multi-field matches: in_port; eth_src, eth_dst,
/// eth_type; vlan_vid, vlan_pcp; mpls tc, bos, label; ipv4/ipv6 src, dst, nw_frag, dscp, ecn, ttl,
/// ipv6 label, ip_proto, L4 ports/types, nd_target/sll/tll; arp op, spa, tpa, sha, tha; tunnel_id,
/// tun_src, tun_dst; registers; pkt_mark; metadata last. Fields OVS does not implement (in_phy_port,
/// pbb_isid, ipv6_exthdr) are placed next to their relatives.
/// </summary>
internal static class OxmOrder
{
    private static readonly int[] BasicRank = BuildBasic();

    public static int Rank(OxmField f)
    {
        switch (f.Class)
        {
            case OxmClass.OpenFlowBasic:
                return f.Field < BasicRank.Length ? BasicRank[f.Field] : 8000 + f.Field;
            case OxmClass.Nxm1:
                return f.Field switch
                {
                    NxmField.IpFrag => 255,
                    NxmField.IpTtl => 275,
                    NxmField.TcpFlags => 315,
                    NxmField.TunIpv4Src => 510,
                    NxmField.TunIpv4Dst => 520,
                    <= 15 => 600 + f.Field,
                    NxmField.PktMark => 700,
                    _ => 1000 + f.Field,
                };
            case OxmClass.Nxm0:
                return 2000 + f.Field;
            case OxmClass.Experimenter:
                return 9000;
            default:
                return 3000 + f.Field;
        }
    }

    private static int[] BuildBasic()
    {
        var r = new int[40];
        void Set(OxmBasic f, int rank) => r[(int)f] = rank;
        Set(OxmBasic.InPort, 10);
        Set(OxmBasic.InPhyPort, 11);
        Set(OxmBasic.EthSrc, 100);
        Set(OxmBasic.EthDst, 101);
        Set(OxmBasic.EthType, 102);
        Set(OxmBasic.VlanVid, 110);
        Set(OxmBasic.VlanPcp, 111);
        Set(OxmBasic.MplsTc, 120);
        Set(OxmBasic.MplsBos, 121);
        Set(OxmBasic.MplsLabel, 122);
        Set(OxmBasic.PbbIsid, 130);
        Set(OxmBasic.Ipv4Src, 200);
        Set(OxmBasic.Ipv4Dst, 201);
        Set(OxmBasic.Ipv6Src, 210);
        Set(OxmBasic.Ipv6Dst, 211);
        Set(OxmBasic.IpDscp, 260);
        Set(OxmBasic.IpEcn, 270);
        Set(OxmBasic.Ipv6Flabel, 280);
        Set(OxmBasic.Ipv6Exthdr, 285);
        Set(OxmBasic.IpProto, 290);
        Set(OxmBasic.TcpSrc, 300);
        Set(OxmBasic.TcpDst, 301);
        Set(OxmBasic.UdpSrc, 320);
        Set(OxmBasic.UdpDst, 321);
        Set(OxmBasic.SctpSrc, 330);
        Set(OxmBasic.SctpDst, 331);
        Set(OxmBasic.Icmpv4Type, 340);
        Set(OxmBasic.Icmpv4Code, 341);
        Set(OxmBasic.Icmpv6Type, 350);
        Set(OxmBasic.Icmpv6Code, 351);
        Set(OxmBasic.Ipv6NdTarget, 352);
        Set(OxmBasic.Ipv6NdSll, 353);
        Set(OxmBasic.Ipv6NdTll, 354);
        Set(OxmBasic.ArpOp, 400);
        Set(OxmBasic.ArpSpa, 401);
        Set(OxmBasic.ArpTpa, 402);
        Set(OxmBasic.ArpSha, 403);
        Set(OxmBasic.ArpTha, 404);
        Set(OxmBasic.TunnelId, 500);
        Set(OxmBasic.Metadata, 800);
        return r;
    }
}
