using OpenFlow;
using OpenFlow.Protocol;

namespace Apps.L2;

/// <summary>
/// What the learning switch decided for one frame, as a value: no allocation on the PACKET_IN path.
/// <see cref="L2Decision"/> is the same decision with the messages built as objects.
/// </summary>
public readonly record struct L2Verdict
{
    /// <summary>Why nothing is sent (LLDP, runt frame, hairpin); null when the frame goes somewhere.</summary>
    public string? Ignored { get; init; }

    public MacAddress Source { get; init; }

    public MacAddress Destination { get; init; }

    /// <summary>True when the source MAC was new or moved to another port.</summary>
    public bool LearnedSource { get; init; }

    /// <summary>The output port: a port number or OFPP_FLOOD.</summary>
    public uint OutPort { get; init; }

    /// <summary>A known destination: a reactive flow is installed (and the packet sent on).</summary>
    public bool IsForward => Ignored is null && OutPort != OfpPort.Flood;
}
