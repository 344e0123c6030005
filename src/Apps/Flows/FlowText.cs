using System.Globalization;
using System.Text;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Flows;

/// <summary>
/// Renders flows exactly as <c>ovs-ofctl -O OpenFlow13 --no-stats dump-flows</c> prints them (without the
/// leading space): <c>cookie=</c> only when non-zero, <c>table=</c> only when not 0, timeouts, flags,
/// <c>priority=</c> unless 32768, the match in OVS's field order and names (<c>dl_vlan</c>, <c>dl_dst</c>,
/// <c>tun_id</c>), then <c>actions=</c>. Without the statistics (duration, n_packets, n_bytes, idle_age),
/// so that <c>diff</c> of ours against the switch's shows only real differences; checked line for line
/// against real OVS 3.1 in Integration.Tests (FlowTextOvsTests). Display only: nothing parses it back.
/// </summary>
public static class FlowText
{
    private const ushort DefaultPriority = 0x8000;

    public static string Format(FlowEntry flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var sb = new StringBuilder();
        if (flow.Cookie.Value != 0)
        {
            sb.Append("cookie=").Append(flow.Cookie.ToString()).Append(", ");
        }

        if (flow.TableId != 0)
        {
            sb.Append("table=").Append(flow.TableId.ToString(CultureInfo.InvariantCulture)).Append(", ");
        }

        if (flow.IdleTimeout != 0)
        {
            sb.Append("idle_timeout=").Append(flow.IdleTimeout.ToString(CultureInfo.InvariantCulture)).Append(", ");
        }

        if (flow.HardTimeout != 0)
        {
            sb.Append("hard_timeout=").Append(flow.HardTimeout.ToString(CultureInfo.InvariantCulture)).Append(", ");
        }

        // ovs-ofctl prints each flag followed by a space, not a comma.
        foreach (var (flag, name) in FlagNames)
        {
            if (flow.Flags.HasFlag(flag))
            {
                sb.Append(name).Append(' ');
            }
        }

        var match = new List<string>();
        if (flow.Priority != DefaultPriority)
        {
            match.Add("priority=" + flow.Priority.ToString(CultureInfo.InvariantCulture));
        }

        match.AddRange(MatchParts(flow.Match));
        sb.Append(string.Join(",", match));
        if (match.Count != 0)
        {
            sb.Append(' ');
        }

        sb.Append("actions=").Append(FormatInstructions(flow.Instructions));
        return sb.ToString();
    }

    private static readonly (OpenFlow.Messages.FlowModFlags, string)[] FlagNames =
    [
        (OpenFlow.Messages.FlowModFlags.SendFlowRem, "send_flow_rem"),
        (OpenFlow.Messages.FlowModFlags.CheckOverlap, "check_overlap"),
        (OpenFlow.Messages.FlowModFlags.ResetCounts, "reset_counts"),
        (OpenFlow.Messages.FlowModFlags.NoPktCounts, "no_packet_counts"),
        (OpenFlow.Messages.FlowModFlags.NoBytCounts, "no_byte_counts"),
    ];

    /// <summary>The match as ovs-ofctl prints it, e.g. <c>tun_id=0x64,in_port=2,dl_vlan=1,dl_dst=fa:16:3e:00:00:01</c>.</summary>
    public static string FormatMatch(Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return string.Join(",", MatchParts(match));
    }

    public static string FormatInstructions(IEnumerable<OfpInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var parts = new List<string>();
        foreach (var i in instructions)
        {
            switch (i)
            {
                case ApplyActions a:
                    parts.AddRange(a.Actions.Select(FormatAction));
                    break;
                case WriteActions wa:
                    parts.Add("write_actions(" + string.Join(",", wa.Actions.Select(FormatAction)) + ")");
                    break;
                case ClearActions:
                    parts.Add("clear_actions");
                    break;
                case GotoTable g:
                    parts.Add("goto_table:" + g.TableId.ToString(CultureInfo.InvariantCulture));
                    break;
                case WriteMetadata m:
                    parts.Add(m.Mask == ulong.MaxValue ? $"write_metadata:0x{m.Metadata:x}" : $"write_metadata:0x{m.Metadata:x}/0x{m.Mask:x}");
                    break;
                case MeterInstruction m:
                    parts.Add("meter:" + m.MeterId.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    parts.Add(i.ToString());
                    break;
            }
        }

        return parts.Count == 0 ? "drop" : string.Join(",", parts);
    }

    public static string FormatAction(OfpAction action) => action switch
    {
        OutputAction o => o.Port < OfpPort.Max ? "output:" + FormatPort(o.Port) : FormatPort(o.Port, o.MaxLen),
        PushVlanAction p => $"push_vlan:0x{p.EtherType:x4}",
        PopVlanAction => "pop_vlan",
        SetFieldAction s => $"set_field:{SetFieldValue(s.Field)}->{SetFieldName(s.Field)}",
        GroupAction g => "group:" + g.GroupId.ToString(CultureInfo.InvariantCulture),
        NxLearn l => FormatLearn(l),
        NxRegLoad l => $"load:{Hex(l.Value)}->{Bits(l.Destination, l.Offset, l.NBits)}",
        NxRegMove m => $"move:{Bits(m.Source, m.SourceOffset, m.NBits)}->{Bits(m.Destination, m.DestinationOffset, m.NBits)}",
        NxResubmit r => r.Table is { } t
            ? $"resubmit({(r.InPort == NxResubmit.InPortUnchanged ? string.Empty : FormatPort(r.InPort))},{(t == NxResubmit.TableUnchanged ? string.Empty : t.ToString(CultureInfo.InvariantCulture))})"
            : "resubmit:" + FormatPort(r.InPort),
        NxNote n => "note:" + string.Join(".", n.Note.Span.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
        _ => action.ToString() ?? action.GetType().Name,
    };

    public static string FormatPort(uint port, ushort maxLen = 0) => port switch
    {
        OfpPort.InPort => "IN_PORT",
        OfpPort.Table => "TABLE",
        OfpPort.Normal => "NORMAL",
        OfpPort.Flood => "FLOOD",
        OfpPort.All => "ALL",
        OfpPort.Controller => "CONTROLLER:" + maxLen.ToString(CultureInfo.InvariantCulture),
        OfpPort.Local => "LOCAL",
        OfpPort.Any => "ANY",
        _ => port.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The learn action in ovs-ofctl's syntax, e.g. <c>learn(table=20,priority=1,NXM_OF_VLAN_TCI[0..11],...)</c>.</summary>
    public static string FormatLearn(NxLearn learn)
    {
        ArgumentNullException.ThrowIfNull(learn);
        var parts = new List<string> { "table=" + learn.TableId.ToString(CultureInfo.InvariantCulture) };
        if (learn.IdleTimeout != 0)
        {
            parts.Add("idle_timeout=" + learn.IdleTimeout.ToString(CultureInfo.InvariantCulture));
        }

        if (learn.HardTimeout != 0)
        {
            parts.Add("hard_timeout=" + learn.HardTimeout.ToString(CultureInfo.InvariantCulture));
        }

        parts.Add("priority=" + learn.Priority.ToString(CultureInfo.InvariantCulture));
        if (learn.Cookie != 0)
        {
            parts.Add("cookie=0x" + learn.Cookie.ToString("x", CultureInfo.InvariantCulture));
        }

        foreach (var spec in learn.Specs)
        {
            var src = spec.Source is { } s ? Bits(s, spec.SourceOffset, spec.NBits) : Immediate(spec.Value);
            parts.Add(spec.Kind switch
            {
                NxLearnSpecKind.Match when spec.Source is { } s2 && spec.Destination is { } d && s2 == d && spec.SourceOffset == spec.DestinationOffset => src,
                NxLearnSpecKind.Match => $"{Bits(spec.Destination!.Value, spec.DestinationOffset, spec.NBits)}={src}",
                NxLearnSpecKind.Load => $"load:{src}->{Bits(spec.Destination!.Value, spec.DestinationOffset, spec.NBits)}",
                _ => "output:" + src,
            });
        }

        return "learn(" + string.Join(",", parts) + ")";
    }

    // As ovs-ofctl prints immediates: 0, or hex with 0x.
    private static string Immediate(Octets value)
    {
        var hex = Convert.ToHexStringLower(value.Span).TrimStart('0');
        return hex.Length == 0 ? "0" : "0x" + hex;
    }

    /// <summary>A field slice as ovs-ofctl writes it: <c>NXM_OF_VLAN_TCI[0..11]</c>, or <c>NXM_NX_TUN_ID[]</c> for the whole field.</summary>
    public static string FormatBits(NxmHeader field, int offset, int nBits) => Bits(field, offset, nBits);

    private static string Bits(NxmHeader field, int offset, int nBits)
    {
        var name = NxmName(field);
        return offset == 0 && nBits == field.BitWidth
            ? name + "[]"
            : string.Create(CultureInfo.InvariantCulture, $"{name}[{offset}..{offset + nBits - 1}]");
    }

    private static string NxmName(NxmHeader h) => (h.Raw & 0xfffffe00u) switch
    {
        0x00000000 => "NXM_OF_IN_PORT",
        0x00000200 => "NXM_OF_ETH_DST",
        0x00000400 => "NXM_OF_ETH_SRC",
        0x00000600 => "NXM_OF_ETH_TYPE",
        0x00000800 => "NXM_OF_VLAN_TCI",
        0x00001e00 => "NXM_OF_ARP_OP",
        0x00002000 => "NXM_OF_ARP_SPA",
        0x00002200 => "NXM_OF_ARP_TPA",
        0x00012000 => "NXM_NX_TUN_ID",
        0x00012200 => "NXM_NX_ARP_SHA",
        0x00012400 => "NXM_NX_ARP_THA",
        0x00012600 => "NXM_NX_IPV6_SRC",
        0x00012800 => "NXM_NX_IPV6_DST",
        0x00013200 => "NXM_NX_ND_TLL",
        0x80000000 => "OXM_OF_IN_PORT",
        0x80004c00 => "OXM_OF_TUNNEL_ID",
        _ => h.ToString(),
    };

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    private static string Dec(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Ipv4(ulong v) => string.Create(CultureInfo.InvariantCulture, $"{(v >> 24) & 0xff}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");

    private static bool IsBasic(OxmField f, OxmBasic field) => f.Class == OxmClass.OpenFlowBasic && f.Field == (byte)field;

    private static ulong Full(OxmField f) => f.Value.Length >= 8 ? ulong.MaxValue : (1UL << (8 * f.Value.Length)) - 1;

    // NXM_OF_VLAN_TCI (class 0x0000, field 4): what OVS falls back to for TCI masks OXM's vlan_vid cannot express.
    private static bool IsNxmVlanTci(OxmField f) => f.Class == 0x0000 && f.Field == 4;

    /// <summary>
    /// Fields in the order and spelling of OVS's match_format: protocol shorthand (ip, arp, tcp...),
    /// tun_id, metadata, in_port, VLAN (dl_vlan/dl_vlan_pcp, or vlan_tci), dl_src, dl_dst, dl_type, then
    /// L3. Fields OVS has no name for here are printed as <c>oxm(class:field)=value</c>.
    /// </summary>
    private static List<string> MatchParts(Match match)
    {
        var fields = match.Fields;
        OxmField? Get(OxmBasic b) => fields.FirstOrDefault(f => IsBasic(f, b));
        var parts = new List<string>();
        var ethType = Get(OxmBasic.EthType);
        var ipProto = Get(OxmBasic.IpProto);
        var type = ethType is { HasMask: false } ? ethType.ValueAsUInt64() : (ulong?)null;
        var proto = ipProto is { HasMask: false } ? ipProto.ValueAsUInt64() : (ulong?)null;
        var shorthand = (type, proto) switch
        {
            (0x0800, 1) => "icmp",
            (0x0800, 6) => "tcp",
            (0x0800, 17) => "udp",
            (0x0800, 132) => "sctp",
            (0x86dd, 58) => "icmp6",
            (0x86dd, 6) => "tcp6",
            (0x86dd, 17) => "udp6",
            (0x0800, _) => "ip",
            (0x86dd, _) => "ipv6",
            (0x0806, _) => "arp",
            (0x8035, _) => "rarp",
            _ => null,
        };
        var protoInShorthand = shorthand is "icmp" or "tcp" or "udp" or "sctp" or "icmp6" or "tcp6" or "udp6";
        if (shorthand is not null)
        {
            parts.Add(shorthand);
        }

        var done = new HashSet<OxmField>();
        void Add(OxmField? f, string name, Func<ulong, string> render)
        {
            if (f is null)
            {
                return;
            }

            done.Add(f);
            var text = f.Value.Length > 8 ? f.Value.ToString() : render(f.ValueAsUInt64());
            if (f.Mask is { } m)
            {
                text += "/" + (m.Length > 8 ? m.ToString() : render(f.MaskAsUInt64()));
            }

            parts.Add(name + "=" + text);
        }

        Add(Get(OxmBasic.TunnelId), "tun_id", Hex);
        Add(Get(OxmBasic.Metadata), "metadata", Hex);
        if (Get(OxmBasic.InPort) is { } inPort)
        {
            done.Add(inPort);
            var port = (uint)inPort.ValueAsUInt64();
            parts.Add("in_port=" + (port == OfpPort.Controller ? "CONTROLLER" : FormatPort(port)));
        }

        AddVlan(fields, parts, done);
        Add(Get(OxmBasic.EthSrc), "dl_src", v => new MacAddress(v).ToString());
        Add(Get(OxmBasic.EthDst), "dl_dst", v => new MacAddress(v).ToString());
        if (shorthand is null)
        {
            Add(ethType, "dl_type", v => "0x" + v.ToString("x4", CultureInfo.InvariantCulture));
        }
        else if (ethType is not null)
        {
            done.Add(ethType);
        }

        var arp = type is 0x0806 or 0x8035;
        AddAddress(Get(arp ? OxmBasic.ArpSpa : OxmBasic.Ipv4Src), arp ? "arp_spa" : "nw_src", parts, done);
        AddAddress(Get(arp ? OxmBasic.ArpTpa : OxmBasic.Ipv4Dst), arp ? "arp_tpa" : "nw_dst", parts, done);
        AddIpv6(Get(OxmBasic.Ipv6Src), "ipv6_src", parts, done);
        AddIpv6(Get(OxmBasic.Ipv6Dst), "ipv6_dst", parts, done);
        if (protoInShorthand && ipProto is not null)
        {
            done.Add(ipProto);
        }
        else
        {
            Add(arp ? Get(OxmBasic.ArpOp) : ipProto, arp ? "arp_op" : "nw_proto", Dec);
        }

        Add(Get(OxmBasic.ArpSha), "arp_sha", v => new MacAddress(v).ToString());
        Add(Get(OxmBasic.ArpTha), "arp_tha", v => new MacAddress(v).ToString());
        Add(Get(OxmBasic.TcpSrc) ?? Get(OxmBasic.UdpSrc) ?? Get(OxmBasic.SctpSrc), "tp_src", Dec);
        Add(Get(OxmBasic.TcpDst) ?? Get(OxmBasic.UdpDst) ?? Get(OxmBasic.SctpDst), "tp_dst", Dec);
        Add(Get(OxmBasic.Icmpv4Type) ?? Get(OxmBasic.Icmpv6Type), "icmp_type", Dec);
        Add(Get(OxmBasic.Icmpv4Code) ?? Get(OxmBasic.Icmpv6Code), "icmp_code", Dec);
        AddIpv6(Get(OxmBasic.Ipv6NdTarget), "nd_target", parts, done);
        Add(Get(OxmBasic.Ipv6NdSll), "nd_sll", v => new MacAddress(v).ToString());
        Add(Get(OxmBasic.Ipv6NdTll), "nd_tll", v => new MacAddress(v).ToString());
        foreach (var f in fields)
        {
            if (!done.Contains(f))
            {
                Add(f, FieldName(f), Hex);
            }
        }

        return parts;
    }

    // OVS turns OXM vlan_vid/vlan_pcp into the 802.1Q TCI (CFI = OFPVID_PRESENT) and prints dl_vlan and
    // dl_vlan_pcp when the CFI bit is matched set with full VID/PCP masks, else vlan_tci=value/mask.
    private static void AddVlan(IEnumerable<OxmField> fields, List<string> parts, HashSet<OxmField> done)
    {
        ulong tci = 0, mask = 0;
        var any = false;
        foreach (var f in fields)
        {
            if (IsBasic(f, OxmBasic.VlanVid))
            {
                tci |= f.ValueAsUInt64() & 0x1fff;
                mask |= (f.HasMask ? f.MaskAsUInt64() : 0x1fff) & 0x1fff;
            }
            else if (IsBasic(f, OxmBasic.VlanPcp))
            {
                tci |= (f.ValueAsUInt64() & 0x7) << 13;
                mask |= (f.HasMask ? f.MaskAsUInt64() & 0x7 : 0x7) << 13;
            }
            else if (IsNxmVlanTci(f))
            {
                tci |= f.ValueAsUInt64();
                mask |= f.HasMask ? f.MaskAsUInt64() : 0xffff;
            }
            else
            {
                continue;
            }

            any = true;
            done.Add(f);
        }

        if (!any || mask == 0)
        {
            return;
        }

        var vidMask = mask & 0x0fff;
        var pcpMask = mask & 0xe000;
        if ((mask & 0x1000) != 0 && (tci & 0x1000) != 0
            && (vidMask == 0 || vidMask == 0x0fff) && (pcpMask == 0 || pcpMask == 0xe000) && (vidMask != 0 || pcpMask != 0))
        {
            if (vidMask != 0)
            {
                parts.Add("dl_vlan=" + Dec(tci & 0x0fff));
            }

            if (pcpMask != 0)
            {
                parts.Add("dl_vlan_pcp=" + Dec(tci >> 13));
            }
        }
        else if (mask == 0xffff)
        {
            parts.Add($"vlan_tci=0x{tci:x4}");
        }
        else
        {
            parts.Add($"vlan_tci=0x{tci:x4}/0x{mask:x4}");
        }
    }

    // nw_src=10.0.0.1, nw_src=10.0.0.0/24 for a CIDR mask, else value/mask dotted.
    private static void AddAddress(OxmField? f, string name, List<string> parts, HashSet<OxmField> done)
    {
        if (f is null)
        {
            return;
        }

        done.Add(f);
        var v = f.ValueAsUInt64();
        if (f.Mask is null)
        {
            parts.Add($"{name}={Ipv4(v)}");
            return;
        }

        var m = (uint)f.MaskAsUInt64();
        var prefix = System.Numerics.BitOperations.PopCount(m);
        var cidr = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        parts.Add(m == cidr ? $"{name}={Ipv4(v)}/{prefix.ToString(CultureInfo.InvariantCulture)}" : $"{name}={Ipv4(v)}/{Ipv4(m)}");
    }

    // ipv6_src=fd00::1, or fd00::/64 for a CIDR mask, as OVS prints addresses (inet_ntop).
    private static void AddIpv6(OxmField? f, string name, List<string> parts, HashSet<OxmField> done)
    {
        if (f is null)
        {
            return;
        }

        done.Add(f);
        var text = Ipv6(f.Value.Span);
        if (f.Mask is { } m)
        {
            var bits = 0;
            foreach (var b in m.Span)
            {
                bits += System.Numerics.BitOperations.PopCount(b);
            }

            var prefix = new byte[16];
            for (var i = 0; i < bits; i++)
            {
                prefix[i / 8] |= (byte)(0x80 >> (i % 8));
            }

            text += "/" + (m.Span.SequenceEqual(prefix) ? bits.ToString(CultureInfo.InvariantCulture) : Ipv6(m.Span));
        }

        parts.Add(name + "=" + text);
    }

    private static string Ipv6(ReadOnlySpan<byte> bytes) => bytes.Length == 16 ? new System.Net.IPAddress(bytes).ToString() : Convert.ToHexStringLower(bytes);

    private static string FieldName(OxmField f)
    {
        if (f.Class == OxmClass.Ericsson && f.Field is 1 or 2)
        {
            return f.Field == 1 ? "nd_reserved" : "nd_options_type";
        }

        if (f.Class != OxmClass.OpenFlowBasic)
        {
            return $"oxm(0x{f.Class:x4}:{f.Field})";
        }

        return ((OxmBasic)f.Field).ToString().ToLowerInvariant();
    }

    // set_field names and value syntax as OVS's meta-flow prints them (decimal for vlan_vid, hex for tun_id).
    private static string SetFieldName(OxmField f) => f.Class != OxmClass.OpenFlowBasic ? FieldName(f) : (OxmBasic)f.Field switch
    {
        OxmBasic.InPort => "in_port",
        OxmBasic.Metadata => "metadata",
        OxmBasic.EthDst => "eth_dst",
        OxmBasic.EthSrc => "eth_src",
        OxmBasic.EthType => "eth_type",
        OxmBasic.VlanVid => "vlan_vid",
        OxmBasic.VlanPcp => "vlan_pcp",
        OxmBasic.IpProto => "nw_proto",
        OxmBasic.Ipv4Src => "ip_src",
        OxmBasic.Ipv4Dst => "ip_dst",
        OxmBasic.ArpOp => "arp_op",
        OxmBasic.ArpSpa => "arp_spa",
        OxmBasic.ArpTpa => "arp_tpa",
        OxmBasic.ArpSha => "arp_sha",
        OxmBasic.ArpTha => "arp_tha",
        OxmBasic.TunnelId => "tun_id",
        OxmBasic.Ipv6Src => "ipv6_src",
        OxmBasic.Ipv6Dst => "ipv6_dst",
        OxmBasic.Icmpv6Type => "icmpv6_type",
        OxmBasic.Icmpv6Code => "icmpv6_code",
        OxmBasic.Ipv6NdTarget => "nd_target",
        OxmBasic.Ipv6NdSll => "nd_sll",
        OxmBasic.Ipv6NdTll => "nd_tll",
        _ => FieldName(f),
    };

    private static string SetFieldValue(OxmField f)
    {
        if (f.Value.Length > 8)
        {
            return Ipv6(f.Value.Span);
        }

        var v = f.ValueAsUInt64();
        string Render(ulong x) => f.Class == OxmClass.Ericsson ? Dec(x) : f.Class != OxmClass.OpenFlowBasic ? Hex(x) : (OxmBasic)f.Field switch
        {
            OxmBasic.EthDst or OxmBasic.EthSrc or OxmBasic.ArpSha or OxmBasic.ArpTha or OxmBasic.Ipv6NdSll or OxmBasic.Ipv6NdTll => new MacAddress(x).ToString(),
            OxmBasic.InPort => FormatPort((uint)x),
            OxmBasic.VlanVid or OxmBasic.VlanPcp or OxmBasic.IpProto or OxmBasic.ArpOp or OxmBasic.IpDscp or OxmBasic.IpEcn
                or OxmBasic.TcpSrc or OxmBasic.TcpDst or OxmBasic.UdpSrc or OxmBasic.UdpDst
                or OxmBasic.Icmpv4Type or OxmBasic.Icmpv4Code or OxmBasic.Icmpv6Type or OxmBasic.Icmpv6Code => Dec(x),
            OxmBasic.Ipv4Src or OxmBasic.Ipv4Dst or OxmBasic.ArpSpa or OxmBasic.ArpTpa => Ipv4(x),
            OxmBasic.EthType => "0x" + x.ToString("x4", CultureInfo.InvariantCulture),
            _ => Hex(x),
        };
        return f.HasMask && f.MaskAsUInt64() != Full(f) ? Render(v) + "/" + Render(f.MaskAsUInt64()) : Render(v);
    }
}
