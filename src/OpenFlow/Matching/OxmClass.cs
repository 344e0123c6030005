namespace OpenFlow.Matching;

/// <summary>OXM classes (<c>enum ofp_oxm_class</c>), including Nicira's NXM_0/NXM_1.</summary>
public static class OxmClass
{
    public const ushort Nxm0 = 0x0000;
    public const ushort Nxm1 = 0x0001;
    public const ushort OpenFlowBasic = 0x8000;

    /// <summary>
    /// OVS's class for the ND fields Ericsson added (OVS 2.11): field 1 <c>nd_reserved</c> (the 32-bit
    /// R/S/O flags word of an NS/NA), field 2 <c>nd_options_type</c> (the type of its first option).
    /// </summary>
    public const ushort Ericsson = 0x1000;
    public const ushort Experimenter = 0xffff;
}

/// <summary>OpenFlow basic match fields (<c>enum oxm_ofb_match_fields</c>).</summary>
public enum OxmBasic : byte
{
    InPort = 0,
    InPhyPort = 1,
    Metadata = 2,
    EthDst = 3,
    EthSrc = 4,
    EthType = 5,
    VlanVid = 6,
    VlanPcp = 7,
    IpDscp = 8,
    IpEcn = 9,
    IpProto = 10,
    Ipv4Src = 11,
    Ipv4Dst = 12,
    TcpSrc = 13,
    TcpDst = 14,
    UdpSrc = 15,
    UdpDst = 16,
    SctpSrc = 17,
    SctpDst = 18,
    Icmpv4Type = 19,
    Icmpv4Code = 20,
    ArpOp = 21,
    ArpSpa = 22,
    ArpTpa = 23,
    ArpSha = 24,
    ArpTha = 25,
    Ipv6Src = 26,
    Ipv6Dst = 27,
    Ipv6Flabel = 28,
    Icmpv6Type = 29,
    Icmpv6Code = 30,
    Ipv6NdTarget = 31,
    Ipv6NdSll = 32,
    Ipv6NdTll = 33,
    MplsLabel = 34,
    MplsTc = 35,
    MplsBos = 36,
    PbbIsid = 37,
    TunnelId = 38,
    Ipv6Exthdr = 39,
}
