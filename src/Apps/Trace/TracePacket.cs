using System.Globalization;
using System.Net;
using System.Text;
using OpenFlow;
using OpenFlow.Matching;
using OpenFlow.Nicira;
using OpenFlow.Packets;

namespace Apps.Trace;

/// <summary>
/// The header fields a trace looks at, as a flow table sees them (the "flow" of ovs-ofctl, not bytes).
/// Which fields exist follows the OXM prerequisites of OpenFlow 1.3 (table 12): ARP fields only when
/// <see cref="EthType"/> is 0x0806, IPv4 fields only when it is 0x0800, L4 ports only for TCP/UDP/SCTP.
/// A field that does not exist never matches, as in a real switch.
/// </summary>
public sealed record TracePacket
{
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeIpv4 = 0x0800;

    public uint InPort { get; init; }

    public MacAddress EthSrc { get; init; }

    public MacAddress EthDst { get; init; }

    /// <summary>The VLAN id of the 802.1Q tag, or null when the frame is untagged.</summary>
    public ushort? VlanId { get; init; }

    public byte VlanPcp { get; init; }

    public ushort EthType { get; init; }

    public ushort ArpOp { get; init; }

    public MacAddress ArpSha { get; init; }

    public uint ArpSpa { get; init; }

    public MacAddress ArpTha { get; init; }

    public uint ArpTpa { get; init; }

    public uint Ipv4Src { get; init; }

    public uint Ipv4Dst { get; init; }

    public byte IpProto { get; init; }

    public ushort L4Src { get; init; }

    public ushort L4Dst { get; init; }

    /// <summary>Tunnel id (VNI/GRE key); 0 means none, as in OVS.</summary>
    public ulong TunId { get; init; }

    public ulong Metadata { get; init; }

    public bool IsArp => EthType == EtherTypeArp;

    public bool IsIpv4 => EthType == EtherTypeIpv4;

    public bool HasL4Ports => IsIpv4 && IpProto is 6 or 17 or 132;

    /// <summary>The OXM VLAN_VID value: OFPVID_PRESENT | vid, or 0 (OFPVID_NONE) when untagged.</summary>
    public ushort VlanVidRaw => VlanId is { } v ? (ushort)(VlanVid.PresentBit | v) : (ushort)0;

    /// <summary>The 16-bit TCI as NXM_OF_VLAN_TCI sees it: PCP, the CFI bit (0x1000) set when tagged, VID.</summary>
    public ushort VlanTci => VlanId is { } v ? (ushort)((VlanPcp << 13) | 0x1000 | v) : (ushort)0;

    /// <summary>Parses a raw Ethernet frame (with the wire library's parser) into its fields.</summary>
    public static bool TryFromFrame(ReadOnlySpan<byte> frame, uint inPort, ulong tunId, out TracePacket packet)
    {
        packet = null!;
        if (!PacketParser.TryParse(frame, out var info))
        {
            return false;
        }

        var eth = info.Ethernet;
        if (eth.InnerTag is not null)
        {
            // Two tags (QinQ): the pipeline never sees them; refuse rather than trace half a packet.
            return false;
        }

        var p = new TracePacket
        {
            InPort = inPort,
            TunId = tunId,
            EthSrc = eth.Source,
            EthDst = eth.Destination,
            EthType = eth.EtherType,
            VlanId = eth.OuterTag?.Vid,
            VlanPcp = eth.OuterTag?.Pcp ?? 0,
        };
        if (info.Arp is { } arp)
        {
            p = p with { ArpOp = arp.Operation, ArpSha = arp.SenderMac, ArpSpa = arp.SenderIp, ArpTha = arp.TargetMac, ArpTpa = arp.TargetIp };
        }

        if (info.Ipv4 is { } v4)
        {
            p = p with { Ipv4Src = v4.Source, Ipv4Dst = v4.Destination, IpProto = v4.Protocol, L4Src = info.SourcePort ?? 0, L4Dst = info.DestinationPort ?? 0 };
        }

        packet = p;
        return true;
    }

    /// <summary>The value of an OXM basic field, or false when the packet does not have it (prerequisite not met).</summary>
    public bool TryGet(OxmBasic field, out ulong value)
    {
        value = 0;
        switch (field)
        {
            case OxmBasic.InPort: value = InPort; return true;
            case OxmBasic.Metadata: value = Metadata; return true;
            case OxmBasic.EthDst: value = EthDst.Value; return true;
            case OxmBasic.EthSrc: value = EthSrc.Value; return true;
            case OxmBasic.EthType: value = EthType; return true;
            case OxmBasic.VlanVid: value = VlanVidRaw; return true;
            case OxmBasic.VlanPcp: value = VlanPcp; return VlanId is not null;
            case OxmBasic.TunnelId: value = TunId; return true;
            case OxmBasic.ArpOp: value = ArpOp; return IsArp;
            case OxmBasic.ArpSpa: value = ArpSpa; return IsArp;
            case OxmBasic.ArpTpa: value = ArpTpa; return IsArp;
            case OxmBasic.ArpSha: value = ArpSha.Value; return IsArp;
            case OxmBasic.ArpTha: value = ArpTha.Value; return IsArp;
            case OxmBasic.IpProto: value = IpProto; return IsIpv4;
            case OxmBasic.Ipv4Src: value = Ipv4Src; return IsIpv4;
            case OxmBasic.Ipv4Dst: value = Ipv4Dst; return IsIpv4;
            case OxmBasic.TcpSrc: value = L4Src; return IsIpv4 && IpProto == 6;
            case OxmBasic.TcpDst: value = L4Dst; return IsIpv4 && IpProto == 6;
            case OxmBasic.UdpSrc: value = L4Src; return IsIpv4 && IpProto == 17;
            case OxmBasic.UdpDst: value = L4Dst; return IsIpv4 && IpProto == 17;
            case OxmBasic.SctpSrc: value = L4Src; return IsIpv4 && IpProto == 132;
            case OxmBasic.SctpDst: value = L4Dst; return IsIpv4 && IpProto == 132;
            default: return false;
        }
    }

    /// <summary>The packet with one OXM basic field set (what set_field does); false for a field it cannot carry.</summary>
    public bool TrySet(OxmBasic field, ulong value, out TracePacket result)
    {
        result = this;
        switch (field)
        {
            case OxmBasic.Metadata: result = this with { Metadata = value }; return true;
            case OxmBasic.EthDst: result = this with { EthDst = new MacAddress(value & MacAddress.Mask48) }; return true;
            case OxmBasic.EthSrc: result = this with { EthSrc = new MacAddress(value & MacAddress.Mask48) }; return true;
            case OxmBasic.EthType: result = this with { EthType = (ushort)value }; return true;
            case OxmBasic.VlanVid when VlanId is not null: result = this with { VlanId = (ushort)(value & 0x0fff) }; return true;
            case OxmBasic.VlanPcp when VlanId is not null: result = this with { VlanPcp = (byte)(value & 7) }; return true;
            case OxmBasic.TunnelId: result = this with { TunId = value }; return true;
            case OxmBasic.ArpOp when IsArp: result = this with { ArpOp = (ushort)value }; return true;
            case OxmBasic.ArpSpa when IsArp: result = this with { ArpSpa = (uint)value }; return true;
            case OxmBasic.ArpTpa when IsArp: result = this with { ArpTpa = (uint)value }; return true;
            case OxmBasic.ArpSha when IsArp: result = this with { ArpSha = new MacAddress(value & MacAddress.Mask48) }; return true;
            case OxmBasic.ArpTha when IsArp: result = this with { ArpTha = new MacAddress(value & MacAddress.Mask48) }; return true;
            case OxmBasic.IpProto when IsIpv4: result = this with { IpProto = (byte)value }; return true;
            case OxmBasic.Ipv4Src when IsIpv4: result = this with { Ipv4Src = (uint)value }; return true;
            case OxmBasic.Ipv4Dst when IsIpv4: result = this with { Ipv4Dst = (uint)value }; return true;
            case OxmBasic.TcpSrc or OxmBasic.UdpSrc or OxmBasic.SctpSrc when TryGet(field, out _): result = this with { L4Src = (ushort)value }; return true;
            case OxmBasic.TcpDst or OxmBasic.UdpDst or OxmBasic.SctpDst when TryGet(field, out _): result = this with { L4Dst = (ushort)value }; return true;
            default: return false;
        }
    }

    /// <summary>Reads a Nicira/OXM register-style field (reg_move, learn sources); NXM_OF_VLAN_TCI is the whole TCI.</summary>
    public bool TryGet(NxmHeader field, out ulong value)
    {
        if (IsVlanTci(field))
        {
            value = VlanTci;
            return true;
        }

        if (ToOxm(field) is { } basic)
        {
            return TryGet(basic, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>Writes a Nicira/OXM field. Writing NXM_OF_VLAN_TCI: 0 removes the tag, a value with CFI sets it (as OVS does).</summary>
    public bool TrySet(NxmHeader field, ulong value, out TracePacket result)
    {
        if (IsVlanTci(field))
        {
            result = (value & 0x1000) == 0
                ? this with { VlanId = null, VlanPcp = 0 }
                : this with { VlanId = (ushort)(value & 0x0fff), VlanPcp = (byte)((value >> 13) & 7) };
            return true;
        }

        if (ToOxm(field) is { } basic)
        {
            return TrySet(basic, value, out result);
        }

        result = this;
        return false;
    }

    /// <summary>The OXM basic field behind an NXM header (NXM_OF_*, the NXM_NX fields OXM has too, or OXM itself).</summary>
    public static OxmBasic? ToOxm(NxmHeader h)
    {
        if (h.Class == OxmClass.OpenFlowBasic)
        {
            return (OxmBasic)h.Field;
        }

        return (h.Class, h.Field) switch
        {
            (0, 0) => OxmBasic.InPort,
            (0, 1) => OxmBasic.EthDst,
            (0, 2) => OxmBasic.EthSrc,
            (0, 3) => OxmBasic.EthType,
            (0, 6) => OxmBasic.IpProto,
            (0, 7) => OxmBasic.Ipv4Src,
            (0, 8) => OxmBasic.Ipv4Dst,
            (0, 9) => OxmBasic.TcpSrc,
            (0, 10) => OxmBasic.TcpDst,
            (0, 11) => OxmBasic.UdpSrc,
            (0, 12) => OxmBasic.UdpDst,
            (0, 15) => OxmBasic.ArpOp,
            (0, 16) => OxmBasic.ArpSpa,
            (0, 17) => OxmBasic.ArpTpa,
            (1, 16) => OxmBasic.TunnelId,
            (1, 17) => OxmBasic.ArpSha,
            (1, 18) => OxmBasic.ArpTha,
            _ => null,
        };
    }

    /// <summary>Whether reg_move and learn can read and write this field here.</summary>
    public static bool IsModelled(NxmHeader h) => IsVlanTci(h) || ToOxm(h) is not null;

    private static bool IsVlanTci(NxmHeader h) => h.Class == 0 && h.Field == 4;

    /// <summary>
    /// The packet in the flow syntax of <c>ovs-ofctl</c> / <c>ovs-appctl ofproto/trace</c>, e.g.
    /// <c>arp,in_port=1,vlan_tci=0x1001,dl_src=...,dl_dst=...,arp_op=1,...</c> (the protocol keyword
    /// first: OVS checks a field's prerequisites as it parses).
    /// </summary>
    public string ToOvsFlow()
    {
        var sb = new StringBuilder();
        sb.Append(IsArp ? "arp" : !IsIpv4 ? "dl_type=0x" + EthType.ToString("x4", CultureInfo.InvariantCulture) : IpProto switch
        {
            1 => "icmp",
            6 => "tcp",
            17 => "udp",
            132 => "sctp",
            _ => "ip",
        });
        sb.Append(",in_port=").Append(InPort.ToString(CultureInfo.InvariantCulture));
        if (TunId != 0)
        {
            sb.Append(",tun_id=0x").Append(TunId.ToString("x", CultureInfo.InvariantCulture));
        }

        if (VlanId is not null)
        {
            sb.Append(",vlan_tci=0x").Append(VlanTci.ToString("x4", CultureInfo.InvariantCulture));
        }

        sb.Append(",dl_src=").Append(EthSrc).Append(",dl_dst=").Append(EthDst);
        if (IsArp)
        {
            sb.Append(",arp_op=").Append(ArpOp.ToString(CultureInfo.InvariantCulture))
                .Append(",arp_spa=").Append(Ip(ArpSpa)).Append(",arp_tpa=").Append(Ip(ArpTpa))
                .Append(",arp_sha=").Append(ArpSha).Append(",arp_tha=").Append(ArpTha);
        }
        else if (IsIpv4)
        {
            sb.Append(",nw_src=").Append(Ip(Ipv4Src)).Append(",nw_dst=").Append(Ip(Ipv4Dst));
            if (IpProto is not (1 or 6 or 17 or 132))
            {
                sb.Append(",nw_proto=").Append(IpProto.ToString(CultureInfo.InvariantCulture));
            }

            if (HasL4Ports)
            {
                // tp_src/tp_dst are aliases of tcp_src/tcp_dst in OVS: name the protocol's own fields.
                var l4 = IpProto switch { 6 => "tcp", 17 => "udp", _ => "sctp" };
                sb.Append(',').Append(l4).Append("_src=").Append(L4Src.ToString(CultureInfo.InvariantCulture))
                    .Append(',').Append(l4).Append("_dst=").Append(L4Dst.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public override string ToString() => ToOvsFlow();

    /// <summary>Dotted-quad text of an address held as a host-order 32-bit number.</summary>
    public static string Ip(uint address) => PacketAddress.ToIPAddress(address).ToString();

    public static uint Ip(IPAddress address) => PacketAddress.ToUInt32(address);
}
