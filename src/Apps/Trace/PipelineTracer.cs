using System.Globalization;
using Apps.Flows;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Nicira;
using OpenFlow.Protocol;

namespace Apps.Trace;

/// <summary>
/// Evaluates one switch's OpenFlow 1.3 pipeline for one packet, from table 0, without side effects:
/// per table the highest-priority flow whose every match field (value under mask) equals the packet's,
/// a field the packet lacks (prerequisite not met) never matching; apply_actions in order (output,
/// push/pop VLAN, set_field, Nicira reg_move and learn, the learn only described); goto_table (forward
/// only, as the spec requires); a table miss drops (the 1.3 default). Equal-priority overlaps are
/// reported in the step's note (a switch may pick either; the engine takes the first by flow text).
/// Instructions or actions the engine does not model end the trace with <see cref="TraceVerdict.Unsupported"/>.
/// </summary>
public static class PipelineTracer
{
    /// <summary>Traces <paramref name="packet"/> (its <see cref="TracePacket.InPort"/> is where it enters).</summary>
    public static SwitchTrace Trace(IEnumerable<FlowEntry> flows, IReadOnlyDictionary<uint, string> portNames, TracePacket packet)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(portNames);
        ArgumentNullException.ThrowIfNull(packet);
        var byTable = flows.GroupBy(f => f.TableId).ToDictionary(
            g => g.Key,
            g => g.OrderByDescending(f => f.Priority).ThenBy(FlowText.Format, StringComparer.Ordinal).ToList());
        var steps = new List<TraceStep>();
        var outputs = new List<TraceOutput>();
        var current = packet;
        byte? table = 0;
        string? error = null;
        while (table is { } t && error is null)
        {
            table = null;
            var (flow, note) = Lookup(byTable, t, current);
            if (flow is null)
            {
                steps.Add(new TraceStep(t, null, null, [], [], current, "no match: drop"));
                break;
            }

            var actions = new List<string>();
            var learned = new List<string>();
            foreach (var instruction in flow.Instructions)
            {
                switch (instruction)
                {
                    case ApplyActions apply:
                        foreach (var action in apply.Actions)
                        {
                            current = Execute(action, current, portNames, actions, learned, outputs, ref error);
                            if (error is not null)
                            {
                                break;
                            }
                        }

                        break;
                    case GotoTable g when g.TableId > t:
                        actions.Add("goto_table:" + g.TableId.ToString(CultureInfo.InvariantCulture));
                        table = g.TableId;
                        break;
                    case GotoTable g:
                        error = $"goto_table:{g.TableId} from table {t} goes backwards (OpenFlow 1.3 forbids it)";
                        break;
                    default:
                        error = $"instruction {FlowText.FormatInstructions([instruction])} is not modelled";
                        break;
                }

                if (error is not null)
                {
                    break;
                }
            }

            steps.Add(new TraceStep(t, flow, FlowText.Format(flow), actions, learned, current, error ?? note));
        }

        var verdict = error is not null ? TraceVerdict.Unsupported
            : outputs.Count != 0 ? TraceVerdict.Output
            : steps.Count != 0 && steps[^1].Flow is null ? TraceVerdict.TableMiss
            : TraceVerdict.Dropped;
        return new SwitchTrace(packet, steps, outputs, verdict, error);
    }

    /// <summary>The highest-priority flow of <paramref name="table"/> that matches, and a note when another of equal priority does too.</summary>
    public static (FlowEntry? Flow, string? Note) Lookup(IReadOnlyDictionary<byte, List<FlowEntry>> byTable, byte table, TracePacket packet)
    {
        ArgumentNullException.ThrowIfNull(byTable);
        if (!byTable.TryGetValue(table, out var list))
        {
            return (null, null);
        }

        FlowEntry? best = null;
        foreach (var f in list)
        {
            if (best is not null && f.Priority < best.Priority)
            {
                break;
            }

            if (!Matches(f.Match, packet))
            {
                continue;
            }

            if (best is not null)
            {
                return (best, $"also matches at equal priority: {FlowText.Format(f)}");
            }

            best = f;
        }

        return (best, null);
    }

    /// <summary>Whether every field of <paramref name="match"/> equals the packet's under its mask.</summary>
    public static bool Matches(Match match, TracePacket packet)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(packet);
        foreach (var f in match.Fields)
        {
            if (f.Class != OxmClass.OpenFlowBasic || f.Value.Length > 8 || !packet.TryGet((OxmBasic)f.Field, out var actual))
            {
                return false;
            }

            var mask = f.MaskAsUInt64();
            if ((actual & mask) != (f.ValueAsUInt64() & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static TracePacket Execute(
        OfpAction action,
        TracePacket p,
        IReadOnlyDictionary<uint, string> portNames,
        List<string> actions,
        List<string> learned,
        List<TraceOutput> outputs,
        ref string? error)
    {
        actions.Add(FlowText.FormatAction(action));
        switch (action)
        {
            case OutputAction o:
                var port = o.Port == OfpPort.InPort ? p.InPort : o.Port;
                outputs.Add(new TraceOutput(port, PortName(port, o.MaxLen, portNames), p));
                return p;
            case PushVlanAction push when push.EtherType is 0x8100 or 0x88a8 && p.VlanId is null:
                // OpenFlow 1.3 push_vlan on an untagged frame: VID 0, PCP 0; set_field gives the VID.
                return p with { VlanId = 0, VlanPcp = 0 };
            case PushVlanAction:
                error = "push_vlan on a tagged frame (two tags) is not modelled";
                return p;
            case PopVlanAction:
                // OVS ignores pop_vlan on an untagged frame.
                return p with { VlanId = null, VlanPcp = 0 };
            case SetFieldAction s when s.Field.Class == OxmClass.OpenFlowBasic && s.Field.Value.Length <= 8:
                if (!p.TrySet((OxmBasic)s.Field.Field, s.Field.ValueAsUInt64(), out var set))
                {
                    // OVS skips a set_field whose prerequisites the packet lacks.
                    actions[^1] += " (skipped: the packet has no such field)";
                    return p;
                }

                return set;
            case NxRegMove move:
                return Move(move, p, actions, ref error);
            case NxLearn learn:
                learned.Add(DescribeLearn(learn, p, ref error));
                return p;
            default:
                error = $"action {FlowText.FormatAction(action)} is not modelled";
                return p;
        }
    }

    private static TracePacket Move(NxRegMove m, TracePacket p, List<string> actions, ref string? error)
    {
        if (!TracePacket.IsModelled(m.Source) || !TracePacket.IsModelled(m.Destination))
        {
            error = $"move {m.Source} -> {m.Destination} uses a field the engine does not model";
            return p;
        }

        if (!p.TryGet(m.Source, out var src) || !p.TryGet(m.Destination, out _))
        {
            // OVS skips a move whose fields' prerequisites the packet lacks.
            actions[^1] += " (skipped: the packet has no such field)";
            return p;
        }

        p.TryGet(m.Destination, out var dst);
        var bits = (src >> m.SourceOffset) & Ones(m.NBits);
        var mask = Ones(m.NBits) << m.DestinationOffset;
        var value = (dst & ~mask) | (bits << m.DestinationOffset);
        if (!p.TrySet(m.Destination, value, out var result))
        {
            actions[^1] += " (skipped: the packet has no such field)";
            return p;
        }

        return result;
    }

    /// <summary>The flow a learn action would write for this packet, as text (never added to any table).</summary>
    private static string DescribeLearn(NxLearn learn, TracePacket p, ref string? error)
    {
        var match = new List<string>();
        var actions = new List<string>();
        foreach (var spec in learn.Specs)
        {
            ulong value;
            if (spec.Source is { } src)
            {
                if (!p.TryGet(src, out var v))
                {
                    error = $"learn reads {src}, a field the engine does not model";
                    return string.Empty;
                }

                value = (v >> spec.SourceOffset) & Ones(spec.NBits);
            }
            else
            {
                value = spec.Value.Span.ToArray().Aggregate(0UL, (acc, b) => (acc << 8) | b) & Ones(spec.NBits);
            }

            var hex = "0x" + value.ToString("x", CultureInfo.InvariantCulture);
            switch (spec.Kind)
            {
                case NxLearnSpecKind.Match:
                    match.Add($"{Bits(spec.Destination!.Value, spec.DestinationOffset, spec.NBits)}={hex}");
                    break;
                case NxLearnSpecKind.Load:
                    actions.Add($"load:{hex}->{Bits(spec.Destination!.Value, spec.DestinationOffset, spec.NBits)}");
                    break;
                default:
                    actions.Add("output:" + value.ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }

        var head = string.Create(CultureInfo.InvariantCulture, $"table={learn.TableId},priority={learn.Priority}");
        if (learn.IdleTimeout != 0)
        {
            head += string.Create(CultureInfo.InvariantCulture, $",idle_timeout={learn.IdleTimeout}");
        }

        if (learn.HardTimeout != 0)
        {
            head += string.Create(CultureInfo.InvariantCulture, $",hard_timeout={learn.HardTimeout}");
        }

        if (learn.Cookie != 0)
        {
            head += string.Create(CultureInfo.InvariantCulture, $",cookie=0x{learn.Cookie:x}");
        }

        return $"{head},{string.Join(",", match)} actions={string.Join(",", actions)}";
    }

    private static string Bits(NxmHeader field, int offset, int nBits) => FlowText.FormatBits(field, offset, nBits);

    private static ulong Ones(int bits) => bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>The name of an output port: the switch's name for it, or the reserved port's name.</summary>
    public static string PortName(uint port, ushort maxLen, IReadOnlyDictionary<uint, string> portNames)
    {
        ArgumentNullException.ThrowIfNull(portNames);
        return portNames.TryGetValue(port, out var name) ? name : port == OfpPort.Controller ? "CONTROLLER" : FlowText.FormatPort(port, maxLen);
    }
}
