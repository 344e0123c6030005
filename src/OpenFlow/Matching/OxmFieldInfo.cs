namespace OpenFlow.Matching;

/// <summary>
/// Per-field facts of the OpenFlow 1.3 basic OXM fields (spec 1.3.5 table 12): value length in
/// bytes, used bits, whether a mask is allowed, and the prerequisite.
/// </summary>
public static class OxmFieldInfo
{
    // Indexed by field number 0..39: bytes, bits, maskable.
    private static readonly (byte Bytes, byte Bits, bool Maskable)[] Table =
    [
        (4, 32, false), // IN_PORT
        (4, 32, false), // IN_PHY_PORT
        (8, 64, true),  // METADATA
        (6, 48, true),  // ETH_DST
        (6, 48, true),  // ETH_SRC
        (2, 16, false), // ETH_TYPE
        (2, 13, true),  // VLAN_VID (12 bits + OFPVID_PRESENT)
        (1, 3, false),  // VLAN_PCP
        (1, 6, false),  // IP_DSCP
        (1, 2, false),  // IP_ECN
        (1, 8, false),  // IP_PROTO
        (4, 32, true),  // IPV4_SRC
        (4, 32, true),  // IPV4_DST
        (2, 16, false), // TCP_SRC
        (2, 16, false), // TCP_DST
        (2, 16, false), // UDP_SRC
        (2, 16, false), // UDP_DST
        (2, 16, false), // SCTP_SRC
        (2, 16, false), // SCTP_DST
        (1, 8, false),  // ICMPV4_TYPE
        (1, 8, false),  // ICMPV4_CODE
        (2, 16, false), // ARP_OP
        (4, 32, true),  // ARP_SPA
        (4, 32, true),  // ARP_TPA
        (6, 48, true),  // ARP_SHA
        (6, 48, true),  // ARP_THA
        (16, 128, true), // IPV6_SRC
        (16, 128, true), // IPV6_DST
        (4, 20, true),  // IPV6_FLABEL
        (1, 8, false),  // ICMPV6_TYPE
        (1, 8, false),  // ICMPV6_CODE
        (16, 128, false), // IPV6_ND_TARGET
        (6, 48, false), // IPV6_ND_SLL
        (6, 48, false), // IPV6_ND_TLL
        (4, 20, false), // MPLS_LABEL
        (1, 3, false),  // MPLS_TC
        (1, 1, false),  // MPLS_BOS
        (3, 24, true),  // PBB_ISID
        (8, 64, true),  // TUNNEL_ID
        (2, 9, true),   // IPV6_EXTHDR
    ];

    /// <summary>True for the fields 0..39 that OpenFlow 1.3 defines.</summary>
    public static bool IsKnown(OxmBasic field) => (byte)field < Table.Length;

    /// <summary>Value length in bytes.</summary>
    public static int ValueLength(OxmBasic field) => Get(field).Bytes;

    /// <summary>Number of low-order bits that may be set in the value.</summary>
    public static int ValueBits(OxmBasic field) => Get(field).Bits;

    /// <summary>Whether the spec allows a mask for this field.</summary>
    public static bool IsMaskable(OxmBasic field) => Get(field).Maskable;

    private static (byte Bytes, byte Bits, bool Maskable) Get(OxmBasic field) =>
        (byte)field < Table.Length
            ? Table[(byte)field]
            : throw new ArgumentOutOfRangeException(nameof(field), field, "not an OpenFlow 1.3 basic field");
}
