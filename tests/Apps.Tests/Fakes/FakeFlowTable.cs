using Apps.Flows;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Nicira;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Tests.Fakes;

/// <summary>
/// A switch's flow tables, good enough to answer "where does this packet go" (the idea of Faucet's
/// fakeoftable.py): highest-priority match per table, apply_actions executed in order (push/pop
/// VLAN, set_field, output, Nicira learn), goto_table, and OpenFlow 1.3's drop on a table miss.
/// Anything the br-tun and learning-switch apps do not use throws, so a test cannot silently pass
/// on a feature the fake does not model.
/// </summary>
internal sealed class FakeFlowTable
{
    private readonly Dictionary<FlowKey, FlowEntry> _flows = [];

    public FakeFlowTable(IEnumerable<FlowEntry>? flows = null)
    {
        foreach (var f in flows ?? [])
        {
            Add(f);
        }
    }

    public IReadOnlyCollection<FlowEntry> Flows => _flows.Values;

    /// <summary>Adds a flow, replacing one with the same (table, priority, match), as OFPFC_ADD does.</summary>
    public void Add(FlowEntry flow) => _flows[Normalize(flow).Key] = flow;

    public IEnumerable<FlowEntry> InTable(byte table) => _flows.Values.Where(f => f.TableId == table);

    /// <summary>Runs the packet through the pipeline from table 0; returns every output in order.</summary>
    public IReadOnlyList<FakeOutput> Process(FakePacket packet)
    {
        var outputs = new List<FakeOutput>();
        byte? table = 0;
        var current = packet;
        var visited = 0;
        while (table is { } t)
        {
            if (++visited > 256)
            {
                throw new InvalidOperationException("pipeline loop");
            }

            var flow = Lookup(t, current);
            if (flow is null)
            {
                break;
            }

            table = null;
            foreach (var instruction in flow.Instructions)
            {
                switch (instruction)
                {
                    case ApplyActions apply:
                        foreach (var action in apply.Actions)
                        {
                            current = Execute(action, current, packet, outputs);
                        }

                        break;
                    case GotoTable g:
                        if (g.TableId <= t)
                        {
                            throw new InvalidOperationException($"goto_table:{g.TableId} from table {t} goes backwards");
                        }

                        table = g.TableId;
                        break;
                    default:
                        throw new NotSupportedException($"instruction {instruction.Type} is not modelled");
                }
            }
        }

        return outputs;
    }

    public FlowEntry? Lookup(byte table, FakePacket p)
    {
        FlowEntry? best = null;
        foreach (var f in _flows.Values)
        {
            if (f.TableId == table && Matches(f.Match, p))
            {
                if (best is not null && best.Priority == f.Priority)
                {
                    throw new InvalidOperationException($"two flows of equal priority match in table {table}: {best} / {f}");
                }

                if (best is null || f.Priority > best.Priority)
                {
                    best = f;
                }
            }
        }

        return best;
    }

    private static FlowEntry Normalize(FlowEntry f) => f with { Match = f.Match.ToCanonicalOrder() };

    private static bool Matches(Match match, FakePacket p)
    {
        foreach (var f in match.Fields)
        {
            if (f.Class != OxmClass.OpenFlowBasic)
            {
                throw new NotSupportedException($"match field {f} is not modelled");
            }

            ulong actual = (OxmBasic)f.Field switch
            {
                OxmBasic.InPort => p.InPort,
                OxmBasic.EthDst => p.EthDst.Value,
                OxmBasic.EthSrc => p.EthSrc.Value,
                OxmBasic.VlanVid => p.VlanVidRaw,
                OxmBasic.TunnelId => p.TunId,
                OxmBasic.EthType => p.EthType,
                OxmBasic.ArpOp => Arp(p).Op,
                OxmBasic.ArpSpa => V4(Arp(p).Spa),
                OxmBasic.ArpTpa => V4(Arp(p).Tpa),
                OxmBasic.ArpSha => Arp(p).Sha.Value,
                OxmBasic.ArpTha => Arp(p).Tha.Value,
                _ => throw new NotSupportedException($"match field {f} is not modelled"),
            };
            var mask = f.MaskAsUInt64();
            if ((actual & mask) != (f.ValueAsUInt64() & mask))
            {
                return false;
            }
        }

        return true;
    }

    private FakePacket Execute(OfpAction action, FakePacket p, FakePacket original, List<FakeOutput> outputs)
    {
        switch (action)
        {
            case OutputAction o:
                var port = o.Port == OfpPort.InPort ? p.InPort : o.Port;
                if (port is OfpPort.Flood or OfpPort.All or OfpPort.Normal or OfpPort.Table)
                {
                    throw new NotSupportedException($"output to reserved port 0x{port:x} is not modelled");
                }

                outputs.Add(new FakeOutput(port, p));
                return p;
            case PushVlanAction push:
                if (push.EtherType != 0x8100 || p.Vlan is not null)
                {
                    throw new NotSupportedException("only a single 802.1Q tag is modelled");
                }

                return p with { Vlan = 0 };
            case PopVlanAction:
                if (p.Vlan is null)
                {
                    throw new InvalidOperationException("pop_vlan on an untagged packet");
                }

                return p with { Vlan = null };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.VlanVid):
                if (p.Vlan is null)
                {
                    throw new InvalidOperationException("set_field vlan_vid on an untagged packet");
                }

                return p with { Vlan = VlanVid.FromRaw((ushort)f.ValueAsUInt64()).Id };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.TunnelId):
                return p with { TunId = f.ValueAsUInt64() };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.EthDst):
                return p with { EthDst = new MacAddress(f.ValueAsUInt64()) };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.EthSrc):
                return p with { EthSrc = new MacAddress(f.ValueAsUInt64()) };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.ArpOp):
                return p with { Arp = Arp(p) with { Op = (ushort)f.ValueAsUInt64() } };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.ArpSha):
                return p with { Arp = Arp(p) with { Sha = new MacAddress(f.ValueAsUInt64()) } };
            case SetFieldAction { Field: var f } when f.IsBasic(OxmBasic.ArpSpa):
                return p with { Arp = Arp(p) with { Spa = FromV4(f.ValueAsUInt64()) } };
            case NxRegMove move:
                return Move(move, p);
            case NxLearn learn:
                Add(Learn(learn, p));
                return p;
            default:
                throw new NotSupportedException($"action {action} is not modelled");
        }
    }

    private static FakeArp Arp(FakePacket p) => p.Arp ?? throw new InvalidOperationException("ARP field of a frame that is not ARP (missing eth_type prerequisite?)");

    private static ulong V4(System.Net.IPAddress a) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    private static System.Net.IPAddress FromV4(ulong v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);

    /// <summary>Whole-field moves between the Ethernet and ARP address fields (all the pipeline's ARP responder does).</summary>
    private static FakePacket Move(NxRegMove m, FakePacket p)
    {
        if (m.SourceOffset != 0 || m.DestinationOffset != 0 || m.NBits != m.Source.BitWidth || m.NBits != m.Destination.BitWidth)
        {
            throw new NotSupportedException($"partial move {m} is not modelled");
        }

        if (m.Source == NxmHeader.NxmOfEthSrc && m.Destination == NxmHeader.NxmOfEthDst)
        {
            return p with { EthDst = p.EthSrc };
        }

        if (m.Source == NxmHeader.NxmNxArpSha && m.Destination == NxmHeader.NxmNxArpTha)
        {
            return p with { Arp = Arp(p) with { Tha = Arp(p).Sha } };
        }

        if (m.Source == NxmHeader.NxmOfArpSpa && m.Destination == NxmHeader.NxmOfArpTpa)
        {
            return p with { Arp = Arp(p) with { Tpa = Arp(p).Spa } };
        }

        throw new NotSupportedException($"move {m.Source} -> {m.Destination} is not modelled");
    }

    /// <summary>Builds the flow a Nicira learn action writes for packet <paramref name="p"/>.</summary>
    private static FlowEntry Learn(NxLearn learn, FakePacket p)
    {
        var match = new List<OxmField>();
        var actions = new List<OfpAction>();
        foreach (var spec in learn.Specs)
        {
            var value = spec.Source is { } src
                ? Bits(Read(src, p), spec.SourceOffset, spec.NBits)
                : spec.Value.Span.ToArray().Aggregate(0UL, (acc, b) => (acc << 8) | b);
            switch (spec.Kind)
            {
                case NxLearnSpecKind.Match:
                    match.Add(LearnedMatch(spec.Destination!.Value, spec.DestinationOffset, spec.NBits, value));
                    break;
                case NxLearnSpecKind.Load:
                    actions.Add(LearnedLoad(spec.Destination!.Value, spec.DestinationOffset, spec.NBits, value));
                    break;
                case NxLearnSpecKind.Output:
                    actions.Add(new OutputAction((uint)value, 0));
                    break;
                default:
                    throw new NotSupportedException($"learn spec {spec.Kind}");
            }
        }

        return new FlowEntry
        {
            TableId = learn.TableId,
            Priority = learn.Priority,
            Cookie = new Cookie(learn.Cookie),
            IdleTimeout = learn.IdleTimeout,
            HardTimeout = learn.HardTimeout,
            Match = Match.Canonical(match),
            Instructions = [new ApplyActions(actions.ToArray())],
        };
    }

    private static ulong Bits(ulong v, int offset, int nBits) => (v >> offset) & (nBits >= 64 ? ulong.MaxValue : (1UL << nBits) - 1);

    private static ulong Read(NxmHeader field, FakePacket p)
    {
        if (field == NxmHeader.NxmOfVlanTci)
        {
            return p.VlanTci;
        }

        if (field == NxmHeader.NxmOfEthSrc)
        {
            return p.EthSrc.Value;
        }

        if (field == NxmHeader.NxmOfEthDst)
        {
            return p.EthDst.Value;
        }

        if (field == NxmHeader.NxmNxTunId)
        {
            return p.TunId;
        }

        if (field == NxmHeader.NxmOfInPort || field == NxmHeader.OxmOfInPort)
        {
            return p.InPort;
        }

        throw new NotSupportedException($"learn source {field} is not modelled");
    }

    private static OxmField LearnedMatch(NxmHeader field, int offset, int nBits, ulong value)
    {
        if (field == NxmHeader.NxmOfVlanTci && offset == 0 && nBits == 12)
        {
            // VLAN_TCI[0..11] is the VID: in OXM terms vlan_vid=<vid>/0x0fff (present bit not matched).
            return Oxm.VlanVid(VlanVid.FromRaw((ushort)value), 0x0fff);
        }

        if (field == NxmHeader.NxmOfEthDst && nBits == 48)
        {
            return Oxm.EthDst(new MacAddress(value));
        }

        if (field == NxmHeader.NxmOfEthSrc && nBits == 48)
        {
            return Oxm.EthSrc(new MacAddress(value));
        }

        if (field == NxmHeader.NxmNxTunId && nBits == 64)
        {
            return Oxm.TunnelId(value);
        }

        throw new NotSupportedException($"learned match on {field}[{offset}..{offset + nBits - 1}] is not modelled");
    }

    private static OfpAction LearnedLoad(NxmHeader field, int offset, int nBits, ulong value)
    {
        if (field == NxmHeader.NxmOfVlanTci && offset == 0 && nBits == 16 && value == 0)
        {
            // Loading 0 into the whole TCI removes the tag (OVS strips it).
            return new PopVlanAction();
        }

        if (field == NxmHeader.NxmNxTunId && offset == 0 && nBits == 64)
        {
            return new SetFieldAction(Oxm.TunnelId(value));
        }

        throw new NotSupportedException($"learned load into {field}[{offset}..{offset + nBits - 1}] is not modelled");
    }
}
