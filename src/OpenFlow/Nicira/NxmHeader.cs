using System.Globalization;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// An NXM/OXM field header as Nicira actions carry it (learn specs, reg_load, reg_move): the same
/// 32 bits as an OXM TLV header, plus the experimenter id when the class is 0xffff (then the
/// header is 8 bytes on the wire).
/// </summary>
/// <remarks>
/// <code>
/// class(16) | field(7) | hasmask(1) | length(8)      [ | experimenter(32) when class = 0xffff ]
/// </code>
/// OVS writes NXM headers (classes 0 and 1) for fields that have one, and OXM headers (class 0x8000)
/// only for fields without an NXM equivalent (e.g. OXM_OF_IN_PORT, OXM_OF_VLAN_VID).
/// </remarks>
public readonly record struct NxmHeader
{
    public NxmHeader(uint raw, uint experimenter = 0)
    {
        Raw = raw;
        Experimenter = (raw >> 16) == OxmClass.Experimenter ? experimenter : 0;
    }

    public NxmHeader(ushort oxmClass, byte field, byte length, bool hasMask = false, uint experimenter = 0)
        : this(((uint)oxmClass << 16) | ((uint)(field & 0x7f) << 9) | (hasMask ? 0x100u : 0u) | length, experimenter)
    {
        if (field > 0x7f)
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "field is 7 bits");
        }
    }

    /// <summary>The 32-bit header.</summary>
    public uint Raw { get; }

    /// <summary>Experimenter id (class 0xffff only; otherwise 0).</summary>
    public uint Experimenter { get; }

    public ushort Class => (ushort)(Raw >> 16);

    public byte Field => (byte)((Raw >> 9) & 0x7f);

    public bool HasMask => (Raw & 0x100) != 0;

    /// <summary>The header's length byte (payload length, counting the experimenter id for class 0xffff).</summary>
    public byte Length => (byte)Raw;

    public bool IsExperimenter => Class == OxmClass.Experimenter;

    /// <summary>4, or 8 for an experimenter header.</summary>
    public int WireLength => IsExperimenter ? 8 : 4;

    /// <summary>
    /// Width of the field in bits as OVS counts it for bit ranges (<c>FIELD[]</c>): the used bits of an
    /// OpenFlow-basic field (OXM_OF_VLAN_VID is 12 bits: OVS keeps OFPVID_PRESENT apart), otherwise
    /// every bit of the value.
    /// </summary>
    public int BitWidth
    {
        get
        {
            var bytes = (Length - (IsExperimenter ? 4 : 0)) / (HasMask ? 2 : 1);
            if (Class == OxmClass.OpenFlowBasic && OxmFieldInfo.IsKnown((OxmBasic)Field) && bytes == OxmFieldInfo.ValueLength((OxmBasic)Field))
            {
                return Field == (byte)OxmBasic.VlanVid ? 12 : OxmFieldInfo.ValueBits((OxmBasic)Field);
            }

            return bytes * 8;
        }
    }

    /// <summary>NXM_OF_IN_PORT (16 bits).</summary>
    public static NxmHeader NxmOfInPort => new(0x00000002);

    /// <summary>NXM_OF_ETH_DST.</summary>
    public static NxmHeader NxmOfEthDst => new(0x00000206);

    /// <summary>NXM_OF_ETH_SRC.</summary>
    public static NxmHeader NxmOfEthSrc => new(0x00000406);

    /// <summary>NXM_OF_ETH_TYPE.</summary>
    public static NxmHeader NxmOfEthType => new(0x00000602);

    /// <summary>NXM_OF_VLAN_TCI (16 bits: PCP, CFI = "tag present", VID).</summary>
    public static NxmHeader NxmOfVlanTci => new(0x00000802);

    /// <summary>NXM_OF_IP_TOS.</summary>
    public static NxmHeader NxmOfIpTos => new(0x00000a01);

    /// <summary>NXM_OF_IP_PROTO.</summary>
    public static NxmHeader NxmOfIpProto => new(0x00000c01);

    /// <summary>NXM_OF_IP_SRC.</summary>
    public static NxmHeader NxmOfIpSrc => new(0x00000e04);

    /// <summary>NXM_OF_IP_DST.</summary>
    public static NxmHeader NxmOfIpDst => new(0x00001004);

    /// <summary>NXM_OF_TCP_SRC.</summary>
    public static NxmHeader NxmOfTcpSrc => new(0x00001202);

    /// <summary>NXM_OF_TCP_DST.</summary>
    public static NxmHeader NxmOfTcpDst => new(0x00001402);

    /// <summary>NXM_OF_UDP_SRC.</summary>
    public static NxmHeader NxmOfUdpSrc => new(0x00001602);

    /// <summary>NXM_OF_UDP_DST.</summary>
    public static NxmHeader NxmOfUdpDst => new(0x00001802);

    /// <summary>NXM_OF_ARP_OP.</summary>
    public static NxmHeader NxmOfArpOp => new(0x00001e02);

    /// <summary>NXM_OF_ARP_SPA.</summary>
    public static NxmHeader NxmOfArpSpa => new(0x00002004);

    /// <summary>NXM_OF_ARP_TPA.</summary>
    public static NxmHeader NxmOfArpTpa => new(0x00002204);

    /// <summary>NXM_NX_TUN_ID (64 bits).</summary>
    public static NxmHeader NxmNxTunId => new(0x00012008);

    /// <summary>NXM_NX_ARP_SHA.</summary>
    public static NxmHeader NxmNxArpSha => new(0x00012206);

    /// <summary>NXM_NX_ARP_THA.</summary>
    public static NxmHeader NxmNxArpTha => new(0x00012406);

    /// <summary>NXM_NX_IPV6_SRC (class 1, field 19).</summary>
    public static NxmHeader NxmNxIpv6Src => new(0x00012610);

    /// <summary>NXM_NX_IPV6_DST (class 1, field 20).</summary>
    public static NxmHeader NxmNxIpv6Dst => new(0x00012810);

    /// <summary>NXM_NX_ND_TLL (class 1, field 25, 48 bits): an NA's target link-layer address option.</summary>
    public static NxmHeader NxmNxNdTll => new(0x00013206);

    /// <summary>NXM_NX_TUN_IPV4_SRC (class 1, field 31).</summary>
    public static NxmHeader NxmNxTunIpv4Src => new(0x00013e04);

    /// <summary>NXM_NX_TUN_IPV4_DST (class 1, field 32).</summary>
    public static NxmHeader NxmNxTunIpv4Dst => new(0x00014004);

    /// <summary>OXM_OF_IN_PORT (32 bits), what OVS writes for <c>in_port</c> in an OF1.3 learn output.</summary>
    public static NxmHeader OxmOfInPort => new(0x80000004);

    /// <summary>OXM_OF_VLAN_VID (13 bits incl. OFPVID_PRESENT), OVS's choice for <c>vlan_vid</c>.</summary>
    public static NxmHeader OxmOfVlanVid => new(0x80000c02);

    /// <summary>OXM_OF_METADATA.</summary>
    public static NxmHeader OxmOfMetadata => new(0x80000408);

    /// <summary>NXM_NX_REG0..NXM_NX_REG15 (class 1, fields 0..15, 32 bits).</summary>
    public static NxmHeader NxmNxReg(int n) =>
        n is >= 0 and <= 15 ? new NxmHeader(OxmClass.Nxm1, (byte)n, 4) : throw new ArgumentOutOfRangeException(nameof(n), n, "registers are 0..15");

    /// <summary>The unmasked header of an OpenFlow-basic OXM field (class 0x8000).</summary>
    public static NxmHeader ForOxm(OxmBasic field) => new(OxmClass.OpenFlowBasic, (byte)field, (byte)OxmFieldInfo.ValueLength(field));

    /// <summary>The unmasked header naming the same field as <paramref name="field"/> (any class).</summary>
    public static NxmHeader ForField(OxmField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var exp = field.Class == OxmClass.Experimenter;
        return new NxmHeader(field.Class, field.Field, (byte)(field.Value.Length + (exp ? 4 : 0)), false, field.Experimenter);
    }

    /// <summary>The same field with the mask bit cleared and the length of the value alone.</summary>
    public NxmHeader Unmasked => HasMask
        ? new NxmHeader(Class, Field, (byte)(((Length - (IsExperimenter ? 4 : 0)) / 2) + (IsExperimenter ? 4 : 0)), false, Experimenter)
        : this;

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Raw);
        if (IsExperimenter)
        {
            w.WriteUInt32(Experimenter);
        }
    }

    /// <summary>Reads a 4- or 8-byte header; a zero-width field is BAD_ARGUMENT.</summary>
    public static NxmHeader Read(ref OfpReader r)
    {
        var at = r.Offset;
        var raw = r.ReadUInt32();
        var exp = (raw >> 16) == OxmClass.Experimenter ? r.ReadUInt32() : 0;
        var h = new NxmHeader(raw, exp);
        if (h.BitWidth <= 0)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, at, $"NXM header {h} has no value bits");
        }

        return h;
    }

    public override string ToString() => IsExperimenter
        ? string.Create(CultureInfo.InvariantCulture, $"nxm(0x{Raw:x8}/0x{Experimenter:x8})")
        : string.Create(CultureInfo.InvariantCulture, $"nxm(0x{Raw:x8})");
}
