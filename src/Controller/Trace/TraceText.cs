using System.Globalization;
using System.Text;
using Apps.Flows;
using Apps.Trace;
using Controller.Api;

namespace Controller.Trace;

/// <summary>
/// The trace as text, laid out like <c>ovs-appctl ofproto/trace</c>: the flow, then per switch a
/// <c>bridge(...)</c> block with one numbered line per table (match, priority, cookie) and its actions
/// indented below, then the final flow and where each output went.
/// </summary>
internal static class TraceText
{
    public static string Format(IReadOnlyList<TraceHop> hops)
    {
        ArgumentNullException.ThrowIfNull(hops);
        var sb = new StringBuilder();
        foreach (var h in hops)
        {
            if (h.FromHop is { } from)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Hop {h.Index} (from hop {from} through the tunnel)\n");
            }

            sb.Append("Flow: ").Append(h.Trace.Input.ToOvsFlow()).Append('\n').Append('\n');
            var title = $"bridge(\"dpid {new OpenFlow.DatapathId(h.Host.DatapathId!.Value)}\") on host {h.Host.Name} ({h.Host.Id}), in_port {h.InPortName}";
            sb.Append(title).Append('\n').Append(new string('-', title.Length)).Append('\n');
            foreach (var s in h.Trace.Steps)
            {
                var table = s.Table.ToString(CultureInfo.InvariantCulture).PadLeft(2);
                if (s.Flow is null)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{table}. No match.\n    drop\n");
                    continue;
                }

                var match = FlowText.FormatMatch(s.Flow.Match);
                sb.Append(CultureInfo.InvariantCulture, $"{table}. {(match.Length == 0 ? string.Empty : match.Replace(", ", ",", StringComparison.Ordinal) + ", ")}priority {s.Flow.Priority}, cookie {s.Flow.Cookie}\n");
                if (s.Actions.Count == 0)
                {
                    sb.Append("    drop\n");
                }

                foreach (var a in s.Actions)
                {
                    sb.Append("    ").Append(a).Append('\n');
                }

                foreach (var l in s.Learned)
                {
                    sb.Append("     -> would learn: ").Append(l).Append('\n');
                }

                if (s.Note is not null)
                {
                    sb.Append("     >> ").Append(s.Note).Append('\n');
                }
            }

            var last = h.Trace.Steps.Count == 0 ? h.Trace.Input : h.Trace.Steps[^1].Packet;
            sb.Append('\n').Append("Final flow: ").Append(last.ToOvsFlow()).Append('\n');
            if (h.Outputs.Count == 0)
            {
                sb.Append("Outputs: none (").Append(TraceMapping.Verdict(h.Trace.Verdict)).Append(")\n");
            }

            foreach (var o in h.Outputs)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Output: {o.Port} ({o.PortName}) {TraceMapping.Kind(o.Kind)}");
                if (o.NextHop is { } n)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" -> hop {n} on {o.ToHostId}, tun_id=0x{o.Packet.TunId:x}");
                }

                if (o.VmPorts is { } vms)
                {
                    sb.Append(" -> network ").Append(o.Network?.Id ?? "?").Append(", VM ports: ")
                        .Append(vms.Count == 0 ? "none" : string.Join(", ", vms.Select(v => $"{v.Name} ({new OpenFlow.MacAddress(v.Mac)})")));
                }

                if (o.Note is not null)
                {
                    sb.Append(" [").Append(o.Note).Append(']');
                }

                sb.Append('\n');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
