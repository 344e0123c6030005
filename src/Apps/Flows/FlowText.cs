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
/// Renders flows as ovs-ofctl-like text for display (REST, logs, test failure messages). Display
/// only: nothing parses it back, so it favours what an operator compares against
/// <c>ovs-ofctl -O OpenFlow13 dump-flows</c>.
/// </summary>
public static class FlowText
{
    public static string Format(FlowEntry flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var sb = new StringBuilder();
        sb.Append("cookie=").Append(flow.Cookie.ToString()).Append(", table=").Append(flow.TableId.ToString(CultureInfo.InvariantCulture));
        if (flow.IdleTimeout != 0)
        {
            sb.Append(", idle_timeout=").Append(flow.IdleTimeout.ToString(CultureInfo.InvariantCulture));
        }

        if (flow.HardTimeout != 0)
        {
            sb.Append(", hard_timeout=").Append(flow.HardTimeout.ToString(CultureInfo.InvariantCulture));
        }

        if (flow.Flags != OpenFlow.Messages.FlowModFlags.None)
        {
            sb.Append(", flags=").Append(flow.Flags.ToString());
        }

        sb.Append(", priority=").Append(flow.Priority.ToString(CultureInfo.InvariantCulture));
        if (flow.Match.Fields.Length != 0)
        {
            sb.Append(", ").Append(FormatMatch(flow.Match));
        }

        sb.Append(" actions=").Append(FormatInstructions(flow.Instructions));
        return sb.ToString();
    }

    public static string FormatMatch(Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return match.Fields.Length == 0 ? string.Empty : string.Join(", ", match.Fields.Select(FormatField));
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
                    parts.Add($"write_metadata:0x{m.Metadata:x}/0x{m.Mask:x}");
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
        OutputAction o => "output:" + FormatPort(o.Port, o.MaxLen),
        PushVlanAction p => $"push_vlan:0x{p.EtherType:x4}",
        PopVlanAction => "pop_vlan",
        SetFieldAction s => $"set_field:{FormatValue(s.Field)}->{FieldName(s.Field)}",
        GroupAction g => "group:" + g.GroupId.ToString(CultureInfo.InvariantCulture),
        NxLearn l => FormatLearn(l),
        NxRegMove m => $"move:{Bits(m.Source, m.SourceOffset, m.NBits)}->{Bits(m.Destination, m.DestinationOffset, m.NBits)}",
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
        0x80000000 => "OXM_OF_IN_PORT",
        0x80004c00 => "OXM_OF_TUNNEL_ID",
        _ => h.ToString(),
    };

    private static string FormatField(OxmField f) => $"{FieldName(f)}={FormatValue(f)}";

    private static string FieldName(OxmField f)
    {
        if (f.Class != OxmClass.OpenFlowBasic)
        {
            return $"oxm(0x{f.Class:x4}:{f.Field})";
        }

        return (OxmBasic)f.Field switch
        {
            OxmBasic.InPort => "in_port",
            OxmBasic.Metadata => "metadata",
            OxmBasic.EthDst => "eth_dst",
            OxmBasic.EthSrc => "eth_src",
            OxmBasic.EthType => "eth_type",
            OxmBasic.VlanVid => "vlan_vid",
            OxmBasic.VlanPcp => "vlan_pcp",
            OxmBasic.IpProto => "ip_proto",
            OxmBasic.Ipv4Src => "ipv4_src",
            OxmBasic.Ipv4Dst => "ipv4_dst",
            OxmBasic.ArpOp => "arp_op",
            OxmBasic.ArpSpa => "arp_spa",
            OxmBasic.ArpTpa => "arp_tpa",
            OxmBasic.ArpSha => "arp_sha",
            OxmBasic.ArpTha => "arp_tha",
            OxmBasic.UdpSrc => "udp_src",
            OxmBasic.UdpDst => "udp_dst",
            OxmBasic.TcpSrc => "tcp_src",
            OxmBasic.TcpDst => "tcp_dst",
            OxmBasic.TunnelId => "tun_id",
            var other => other.ToString().ToLowerInvariant(),
        };
    }

    private static string FormatValue(OxmField f)
    {
        var basic = f.Class == OxmClass.OpenFlowBasic;
        string Render(ulong v) => basic && f.Field is (byte)OxmBasic.EthDst or (byte)OxmBasic.EthSrc
            ? new MacAddress(v).ToString()
            : basic && f.Field == (byte)OxmBasic.InPort
                ? v.ToString(CultureInfo.InvariantCulture)
                : "0x" + v.ToString("x", CultureInfo.InvariantCulture);

        if (f.Value.Length > 8)
        {
            return f.Value + (f.Mask is { } m ? "/" + m : string.Empty);
        }

        var text = Render(f.ValueAsUInt64());
        return f.HasMask ? text + "/" + Render(f.MaskAsUInt64()) : text;
    }
}
