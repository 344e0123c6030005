using System.Buffers.Binary;
using System.Collections.Frozen;
using Apps.Flows;
using Apps.Model;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Apps.L2;

/// <summary>
/// Plain MAC learning, with the behaviour of Ryu's simple_switch_13: a table-miss flow sends every
/// unknown packet to the controller; each PACKET_IN teaches source MAC -> in_port; a known
/// destination gets a priority-1 flow (in_port, eth_dst, eth_src -> output) and the packet is sent
/// on; an unknown one is flooded. Pure: the MAC tables and the clock are passed in.
/// </summary>
/// <remarks>
/// Deviations from simple_switch_13: a multicast source MAC is not learned; a destination learned on
/// the packet's own in_port is dropped (no flow, no PACKET_OUT) instead of being sent back out of
/// the port it came from; reactive flows may carry idle/hard timeouts.
/// </remarks>
public sealed class L2LearningSwitch : IFlowApp
{
    /// <summary>App-local cookie bits of the table-miss flow (managed by the reconciler).</summary>
    public const ulong TableMissCookieLocal = 0;

    /// <summary>App-local cookie bits of reactive flows (installed on PACKET_IN; the reconciler leaves them).</summary>
    public const ulong ReactiveCookieLocal = 1;

    private const ushort EthTypeLldp = 0x88cc;

    private const ushort ReactivePriority = 1;

    private readonly L2LearningOptions _options;

    public L2LearningSwitch(L2LearningOptions? options = null)
    {
        _options = options ?? new L2LearningOptions();
        PreservedCookies = new[] { ReactiveCookie.Value }.ToFrozenSet();
    }

    public AppId Id => AppId.L2Learning;

    public L2LearningOptions Options => _options;

    public Cookie ReactiveCookie => Id.Cookie(ReactiveCookieLocal);

    public IReadOnlySet<ulong> PreservedCookies { get; }

    /// <summary>The table-miss flow: priority 0, match all, output:CONTROLLER with the whole packet.</summary>
    public FlowEntry TableMiss => new()
    {
        TableId = 0,
        Priority = 0,
        Cookie = Id.Cookie(TableMissCookieLocal),
        Instructions = [new ApplyActions(new OutputAction(OfpPort.Controller, OfpConstants.ControllerMaxLenNoBuffer))],
    };

    public IReadOnlySet<FlowEntry> ComputeDesired(NetworkSnapshot state, SwitchSnapshot sw) => new FlowSet([TableMiss]);

    /// <summary>Handles a decoded PACKET_IN (its in_port comes from the match).</summary>
    public L2Decision HandlePacketIn(L2MacTables tables, ulong datapathId, PacketIn packetIn, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(packetIn);
        if (packetIn.InPort is not { } inPort)
        {
            return new L2Decision { Ignored = "PACKET_IN without in_port" };
        }

        return HandlePacketIn(tables, datapathId, inPort, packetIn.Data.Memory, packetIn.BufferId, now);
    }

    /// <summary>
    /// Learns the source, decides where the frame goes, and returns the messages to send.
    /// <paramref name="bufferId"/> is the PACKET_IN's buffer id (OFP_NO_BUFFER when the frame is in
    /// <paramref name="packet"/> only).
    /// </summary>
    public L2Decision HandlePacketIn(L2MacTables tables, ulong datapathId, uint inPort, ReadOnlyMemory<byte> packet, uint bufferId, DateTimeOffset now)
    {
        var v = Decide(tables, datapathId, inPort, packet.Span, now);
        if (v.Ignored is not null)
        {
            return new L2Decision { Ignored = v.Ignored, Source = v.Source, Destination = v.Destination, LearnedSource = v.LearnedSource, OutPort = v.OutPort };
        }

        var actions = new OfpAction[] { new OutputAction(v.OutPort, 0) };
        FlowEntry? flow = null;
        FlowMod? flowMod = null;
        if (v.IsForward)
        {
            flow = new FlowEntry
            {
                TableId = 0,
                Priority = ReactivePriority,
                Cookie = ReactiveCookie,
                IdleTimeout = _options.FlowIdleTimeout,
                HardTimeout = _options.FlowHardTimeout,
                Match = Match.Canonical(Oxm.InPort(inPort), Oxm.EthDst(v.Destination), Oxm.EthSrc(v.Source)),
                Instructions = [new ApplyActions(actions)],
            };
            if (bufferId != OfpConstants.NoBuffer)
            {
                // The switch releases the buffered packet through the new flow: no PACKET_OUT.
                return new L2Decision
                {
                    Source = v.Source,
                    Destination = v.Destination,
                    LearnedSource = v.LearnedSource,
                    OutPort = v.OutPort,
                    Flow = flow,
                    FlowMod = FlowMods.Add(flow, bufferId),
                };
            }

            flowMod = FlowMods.Add(flow);
        }

        return new L2Decision
        {
            Source = v.Source,
            Destination = v.Destination,
            LearnedSource = v.LearnedSource,
            OutPort = v.OutPort,
            Flow = flow,
            FlowMod = flowMod,
            PacketOut = new PacketOut
            {
                BufferId = bufferId,
                InPort = inPort,
                Actions = [.. actions],
                Data = bufferId == OfpConstants.NoBuffer ? new Octets(packet) : Octets.Empty,
            },
        };
    }

    /// <summary>
    /// The decision alone, allocating nothing: learns the source and says where the frame goes. The
    /// answers are then <see cref="FlowAddLength"/> bytes written by <see cref="WriteFlowAdd"/> (when
    /// <see cref="L2Verdict.IsForward"/>) and, unless the switch buffered the packet, a PACKET_OUT by
    /// <see cref="WritePacketOut"/>: the same bytes as <see cref="HandlePacketIn(L2MacTables, ulong, uint, ReadOnlyMemory{byte}, uint, DateTimeOffset)"/>'s messages.
    /// </summary>
    public L2Verdict Decide(L2MacTables tables, ulong datapathId, uint inPort, ReadOnlySpan<byte> frame, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (frame.Length < 14)
        {
            return new L2Verdict { Ignored = "frame shorter than an Ethernet header" };
        }

        var dst = MacAddress.Read(frame);
        var src = MacAddress.Read(frame[6..]);
        var ethType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (ethType == EthTypeLldp)
        {
            return new L2Verdict { Ignored = "LLDP", Source = src, Destination = dst };
        }

        var learned = false;
        if (!src.IsMulticast)
        {
            var previous = tables.Learn(datapathId, src, inPort, now);
            learned = previous is not { } p || p.Port != inPort;
        }

        var outPort = OfpPort.Flood;
        if (!dst.IsMulticast && tables.TryGet(datapathId, dst, out var entry) && !IsAged(entry, now))
        {
            outPort = entry.Port;
        }

        return new L2Verdict
        {
            Ignored = outPort == inPort ? "destination is on the ingress port" : null,
            Source = src,
            Destination = dst,
            LearnedSource = learned,
            OutPort = outPort,
        };
    }

    /// <summary>Bytes of the reactive FLOW_MOD.</summary>
    public static int FlowAddLength => InPlaceEncoder.ForwardFlowAddLength;

    /// <summary>Writes the reactive flow of a forward verdict (FLOW_MOD add carrying <paramref name="bufferId"/>).</summary>
    public void WriteFlowAdd(Span<byte> destination, uint xid, in L2Verdict verdict, uint inPort, uint bufferId) =>
        InPlaceEncoder.WriteForwardFlowAdd(
            destination, xid, ReactiveCookie, 0, ReactivePriority, _options.FlowIdleTimeout, _options.FlowHardTimeout,
            bufferId, inPort, verdict.Destination, verdict.Source, verdict.OutPort);

    /// <summary>Bytes of the PACKET_OUT for a frame of <paramref name="dataLength"/> bytes (0 when buffered).</summary>
    public static int PacketOutLength(int dataLength) => InPlaceEncoder.PacketOutLength(dataLength);

    /// <summary>Writes the PACKET_OUT of a verdict: the frame (or the switch's buffer) out of its port or flooded.</summary>
    public static void WritePacketOut(Span<byte> destination, uint xid, in L2Verdict verdict, uint inPort, uint bufferId, ReadOnlySpan<byte> frame) =>
        InPlaceEncoder.WritePacketOut(destination, xid, bufferId, inPort, verdict.OutPort, bufferId == OfpConstants.NoBuffer ? frame : []);

    private bool IsAged(MacEntry entry, DateTimeOffset now) => _options.MacAgeing is { } age && now - entry.LastSeen > age;
}
