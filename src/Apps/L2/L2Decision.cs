using Apps.Flows;
using OpenFlow;
using OpenFlow.Messages;

namespace Apps.L2;

/// <summary>
/// What the learning switch decided for one PACKET_IN. <see cref="Messages"/> is what to send, in
/// order: the FLOW_MOD (carrying the buffer id when the switch buffered the packet) and/or the
/// PACKET_OUT.
/// </summary>
public sealed record L2Decision
{
    /// <summary>Why nothing is sent, when nothing is (not Ethernet, LLDP, hairpin); null otherwise.</summary>
    public string? Ignored { get; init; }

    public MacAddress Source { get; init; }

    public MacAddress Destination { get; init; }

    /// <summary>True when the source MAC was new or moved to another port.</summary>
    public bool LearnedSource { get; init; }

    /// <summary>The output port: a port number or OFPP_FLOOD.</summary>
    public uint OutPort { get; init; }

    /// <summary>The reactive flow for a known destination, or null when flooding.</summary>
    public FlowEntry? Flow { get; init; }

    public FlowMod? FlowMod { get; init; }

    public PacketOut? PacketOut { get; init; }

    public IReadOnlyList<OfpMessage> Messages =>
        (FlowMod, PacketOut) switch
        {
            (null, null) => [],
            ({ } f, null) => [f],
            (null, { } p) => [p],
            ({ } f, { } p) => [f, p],
        };
}
