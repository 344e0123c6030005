using System.Net;
using System.Net.Sockets;

namespace OpenFlow.Matching;

/// <summary>
/// Typed constructors for every OpenFlow 1.3 basic OXM field (0..39) and the Nicira fields the overlay
/// uses. Masks are offered where the spec allows them; build matches with <see cref="Match.Canonical(OxmField[])"/>
/// or <see cref="MatchBuilder"/> to get OVS's field order and validation.
/// </summary>
public static class Oxm
{
    private static OxmField Basic(OxmBasic f, ulong v, int bytes, ulong? mask = null) =>
        new(OxmClass.OpenFlowBasic, (byte)f, OxmField.BigEndian(v, bytes), mask is { } m ? OxmField.BigEndian(m, bytes) : (Octets?)null);

    private static OxmField BasicBytes(OxmBasic f, byte[] value, byte[]? mask) =>
        new(OxmClass.OpenFlowBasic, (byte)f, value, mask is null ? (Octets?)null : new Octets(mask));

    private static OxmField Nx1(byte field, ulong v, int bytes, ulong? mask = null) =>
        new(OxmClass.Nxm1, field, OxmField.BigEndian(v, bytes), mask is { } m ? OxmField.BigEndian(m, bytes) : (Octets?)null);

    /// <summary>OXM_OF_IN_PORT (ingress port; a physical or logical port number).</summary>
    public static OxmField InPort(uint port) => Basic(OxmBasic.InPort, port, 4);

    /// <summary>OXM_OF_IN_PHY_PORT (requires IN_PORT).</summary>
    public static OxmField InPhyPort(uint port) => Basic(OxmBasic.InPhyPort, port, 4);

    /// <summary>OXM_OF_METADATA (maskable).</summary>
    public static OxmField Metadata(ulong value, ulong? mask = null) => Basic(OxmBasic.Metadata, value, 8, mask);

    /// <summary>OXM_OF_ETH_DST (maskable).</summary>
    public static OxmField EthDst(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.EthDst, mac.Value, 6, mask?.Value);

    /// <summary>OXM_OF_ETH_SRC (maskable).</summary>
    public static OxmField EthSrc(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.EthSrc, mac.Value, 6, mask?.Value);

    /// <summary>OXM_OF_ETH_TYPE.</summary>
    public static OxmField EthType(ushort type) => Basic(OxmBasic.EthType, type, 2);

    /// <summary>OXM_OF_VLAN_VID with OFPVID_PRESENT owned by <see cref="OpenFlow.VlanVid"/> (maskable, 13 bits).</summary>
    public static OxmField VlanVid(VlanVid vid, ushort? mask = null) => Basic(OxmBasic.VlanVid, vid.Raw, 2, mask);

    /// <summary>Any tagged packet: <c>vlan_vid=0x1000/0x1000</c>.</summary>
    public static OxmField VlanVidPresent() => Basic(OxmBasic.VlanVid, OpenFlow.VlanVid.PresentBit, 2, OpenFlow.VlanVid.PresentBit);

    /// <summary>OXM_OF_VLAN_PCP (3 bits; requires a VLAN_VID other than NONE).</summary>
    public static OxmField VlanPcp(byte pcp) => Basic(OxmBasic.VlanPcp, pcp, 1);

    /// <summary>OXM_OF_IP_DSCP (6 bits; requires ETH_TYPE IPv4 or IPv6).</summary>
    public static OxmField IpDscp(byte dscp) => Basic(OxmBasic.IpDscp, dscp, 1);

    /// <summary>OXM_OF_IP_ECN (2 bits; requires ETH_TYPE IPv4 or IPv6).</summary>
    public static OxmField IpEcn(byte ecn) => Basic(OxmBasic.IpEcn, ecn, 1);

    /// <summary>OXM_OF_IP_PROTO (requires ETH_TYPE IPv4 or IPv6).</summary>
    public static OxmField IpProto(byte proto) => Basic(OxmBasic.IpProto, proto, 1);

    /// <summary>OXM_OF_IPV4_SRC as a big-endian uint (maskable).</summary>
    public static OxmField Ipv4Src(uint address, uint? mask = null) => Basic(OxmBasic.Ipv4Src, address, 4, mask);

    /// <summary>OXM_OF_IPV4_SRC (maskable).</summary>
    public static OxmField Ipv4Src(IPAddress address, IPAddress? mask = null) => Basic(OxmBasic.Ipv4Src, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>OXM_OF_IPV4_SRC with a CIDR prefix (a /32 is sent unmasked).</summary>
    public static OxmField Ipv4Src(IPAddress address, int prefixLength) => Basic(OxmBasic.Ipv4Src, V4(address), 4, Prefix32(prefixLength));

    /// <summary>OXM_OF_IPV4_DST as a big-endian uint (maskable).</summary>
    public static OxmField Ipv4Dst(uint address, uint? mask = null) => Basic(OxmBasic.Ipv4Dst, address, 4, mask);

    /// <summary>OXM_OF_IPV4_DST (maskable).</summary>
    public static OxmField Ipv4Dst(IPAddress address, IPAddress? mask = null) => Basic(OxmBasic.Ipv4Dst, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>OXM_OF_IPV4_DST with a CIDR prefix.</summary>
    public static OxmField Ipv4Dst(IPAddress address, int prefixLength) => Basic(OxmBasic.Ipv4Dst, V4(address), 4, Prefix32(prefixLength));

    /// <summary>OXM_OF_TCP_SRC (requires IP_PROTO 6).</summary>
    public static OxmField TcpSrc(ushort port) => Basic(OxmBasic.TcpSrc, port, 2);

    /// <summary>OXM_OF_TCP_DST (requires IP_PROTO 6).</summary>
    public static OxmField TcpDst(ushort port) => Basic(OxmBasic.TcpDst, port, 2);

    /// <summary>OXM_OF_UDP_SRC (requires IP_PROTO 17).</summary>
    public static OxmField UdpSrc(ushort port) => Basic(OxmBasic.UdpSrc, port, 2);

    /// <summary>OXM_OF_UDP_DST (requires IP_PROTO 17).</summary>
    public static OxmField UdpDst(ushort port) => Basic(OxmBasic.UdpDst, port, 2);

    /// <summary>OXM_OF_SCTP_SRC (requires IP_PROTO 132).</summary>
    public static OxmField SctpSrc(ushort port) => Basic(OxmBasic.SctpSrc, port, 2);

    /// <summary>OXM_OF_SCTP_DST (requires IP_PROTO 132).</summary>
    public static OxmField SctpDst(ushort port) => Basic(OxmBasic.SctpDst, port, 2);

    /// <summary>OXM_OF_ICMPV4_TYPE (requires IP_PROTO 1).</summary>
    public static OxmField Icmpv4Type(byte type) => Basic(OxmBasic.Icmpv4Type, type, 1);

    /// <summary>OXM_OF_ICMPV4_CODE (requires IP_PROTO 1).</summary>
    public static OxmField Icmpv4Code(byte code) => Basic(OxmBasic.Icmpv4Code, code, 1);

    /// <summary>OXM_OF_ARP_OP (requires ETH_TYPE 0x0806).</summary>
    public static OxmField ArpOp(ushort op) => Basic(OxmBasic.ArpOp, op, 2);

    /// <summary>OXM_OF_ARP_SPA (maskable).</summary>
    public static OxmField ArpSpa(IPAddress address, IPAddress? mask = null) => Basic(OxmBasic.ArpSpa, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>OXM_OF_ARP_TPA (maskable).</summary>
    public static OxmField ArpTpa(IPAddress address, IPAddress? mask = null) => Basic(OxmBasic.ArpTpa, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>OXM_OF_ARP_SHA (maskable).</summary>
    public static OxmField ArpSha(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.ArpSha, mac.Value, 6, mask?.Value);

    /// <summary>OXM_OF_ARP_THA (maskable).</summary>
    public static OxmField ArpTha(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.ArpTha, mac.Value, 6, mask?.Value);

    /// <summary>OXM_OF_IPV6_SRC (maskable).</summary>
    public static OxmField Ipv6Src(IPAddress address, IPAddress? mask = null) => BasicBytes(OxmBasic.Ipv6Src, V6(address), mask is null ? null : V6(mask));

    /// <summary>OXM_OF_IPV6_SRC with a prefix length.</summary>
    public static OxmField Ipv6Src(IPAddress address, int prefixLength) => BasicBytes(OxmBasic.Ipv6Src, V6(address), Prefix128(prefixLength));

    /// <summary>OXM_OF_IPV6_DST (maskable).</summary>
    public static OxmField Ipv6Dst(IPAddress address, IPAddress? mask = null) => BasicBytes(OxmBasic.Ipv6Dst, V6(address), mask is null ? null : V6(mask));

    /// <summary>OXM_OF_IPV6_DST with a prefix length.</summary>
    public static OxmField Ipv6Dst(IPAddress address, int prefixLength) => BasicBytes(OxmBasic.Ipv6Dst, V6(address), Prefix128(prefixLength));

    /// <summary>OXM_OF_IPV6_FLABEL (20 bits, maskable).</summary>
    public static OxmField Ipv6Flabel(uint label, uint? mask = null) => Basic(OxmBasic.Ipv6Flabel, label, 4, mask);

    /// <summary>OXM_OF_ICMPV6_TYPE (requires IP_PROTO 58).</summary>
    public static OxmField Icmpv6Type(byte type) => Basic(OxmBasic.Icmpv6Type, type, 1);

    /// <summary>OXM_OF_ICMPV6_CODE (requires IP_PROTO 58).</summary>
    public static OxmField Icmpv6Code(byte code) => Basic(OxmBasic.Icmpv6Code, code, 1);

    /// <summary>OXM_OF_IPV6_ND_TARGET (requires ICMPV6_TYPE 135 or 136).</summary>
    public static OxmField Ipv6NdTarget(IPAddress address) => BasicBytes(OxmBasic.Ipv6NdTarget, V6(address), null);

    /// <summary>OXM_OF_IPV6_ND_SLL (requires ICMPV6_TYPE 135).</summary>
    public static OxmField Ipv6NdSll(MacAddress mac) => Basic(OxmBasic.Ipv6NdSll, mac.Value, 6);

    /// <summary>OXM_OF_IPV6_ND_TLL (requires ICMPV6_TYPE 136).</summary>
    public static OxmField Ipv6NdTll(MacAddress mac) => Basic(OxmBasic.Ipv6NdTll, mac.Value, 6);

    /// <summary>OXM_OF_MPLS_LABEL (20 bits; requires ETH_TYPE 0x8847/0x8848).</summary>
    public static OxmField MplsLabel(uint label) => Basic(OxmBasic.MplsLabel, label, 4);

    /// <summary>OXM_OF_MPLS_TC (3 bits).</summary>
    public static OxmField MplsTc(byte tc) => Basic(OxmBasic.MplsTc, tc, 1);

    /// <summary>OXM_OF_MPLS_BOS (1 bit).</summary>
    public static OxmField MplsBos(bool bottomOfStack) => Basic(OxmBasic.MplsBos, bottomOfStack ? 1UL : 0UL, 1);

    /// <summary>OXM_OF_PBB_ISID (24 bits, maskable; requires ETH_TYPE 0x88e7).</summary>
    public static OxmField PbbIsid(uint isid, uint? mask = null) => Basic(OxmBasic.PbbIsid, isid, 3, mask);

    /// <summary>OXM_OF_TUNNEL_ID (maskable).</summary>
    public static OxmField TunnelId(ulong id, ulong? mask = null) => Basic(OxmBasic.TunnelId, id, 8, mask);

    /// <summary>OXM_OF_IPV6_EXTHDR (9-bit flags, maskable; requires ETH_TYPE 0x86dd).</summary>
    public static OxmField Ipv6Exthdr(ushort flags, ushort? mask = null) => Basic(OxmBasic.Ipv6Exthdr, flags, 2, mask);

    /// <summary>NXM_NX_REG0..NXM_NX_REG15 (class 1, fields 0..15, 32 bits, maskable).</summary>
    public static OxmField NxReg(int n, uint value, uint? mask = null) =>
        n is >= 0 and <= 15 ? Nx1((byte)n, value, 4, mask) : throw new ArgumentOutOfRangeException(nameof(n), n, "registers are 0..15");

    /// <summary>NXM_NX_TUN_IPV4_SRC (class 1, field 31, maskable): the outer source of a received tunnel packet.</summary>
    public static OxmField TunIpv4Src(IPAddress address, IPAddress? mask = null) => Nx1(NxmField.TunIpv4Src, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>NXM_NX_TUN_IPV4_DST (class 1, field 32, maskable).</summary>
    public static OxmField TunIpv4Dst(IPAddress address, IPAddress? mask = null) => Nx1(NxmField.TunIpv4Dst, V4(address), 4, mask is null ? null : V4(mask));

    /// <summary>
    /// OVS's <c>nd_reserved</c> (class 0x1000, field 1, 32 bits; requires an NS or NA): an NA's R/S/O flags
    /// are its top three bits (0x60000000: solicited + override).
    /// </summary>
    public static OxmField NdReserved(uint flags) => new(OxmClass.Ericsson, 1, OxmField.BigEndian(flags, 4));

    /// <summary>OVS's <c>nd_options_type</c> (class 0x1000, field 2, 8 bits): 1 source, 2 target link-layer address.</summary>
    public static OxmField NdOptionsType(byte type) => new(OxmClass.Ericsson, 2, OxmField.BigEndian(type, 1));

    /// <summary>NXM_NX_PKT_MARK (class 1, field 33, maskable).</summary>
    public static OxmField NxPktMark(uint mark, uint? mask = null) => Nx1(NxmField.PktMark, mark, 4, mask);

    private static uint V4(IPAddress a)
    {
        if (a.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{a} is not IPv4", nameof(a));
        }

        Span<byte> b = stackalloc byte[4];
        a.TryWriteBytes(b, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    private static byte[] V6(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetworkV6 ? a.GetAddressBytes() : throw new ArgumentException($"{a} is not IPv6", nameof(a));

    private static ulong? Prefix32(int prefixLength) => prefixLength switch
    {
        < 0 or > 32 => throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "IPv4 prefix is 0..32"),
        32 => null,
        0 => 0UL,
        _ => (ulong)(uint.MaxValue << (32 - prefixLength)),
    };

    private static byte[]? Prefix128(int prefixLength)
    {
        if (prefixLength is < 0 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "IPv6 prefix is 0..128");
        }

        if (prefixLength == 128)
        {
            return null;
        }

        var m = new byte[16];
        for (var i = 0; i < prefixLength; i++)
        {
            m[i / 8] |= (byte)(0x80 >> (i % 8));
        }

        return m;
    }
}
