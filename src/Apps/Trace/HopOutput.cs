using Apps.Model;

namespace Apps.Trace;

/// <summary>
/// One output of a hop and what became of it: the next hop's index for a tunnel, the network and the VM
/// ports of that host for a delivery to br-int (the one whose MAC is the destination when there is one,
/// all of the network's ports on that host otherwise, as br-int floods an unknown or broadcast address).
/// </summary>
public sealed record HopOutput(
    uint Port,
    string PortName,
    HopOutputKind Kind,
    TracePacket Packet,
    string? ToHostId = null,
    int? NextHop = null,
    NetworkInfo? Network = null,
    IReadOnlyList<PortInfo>? VmPorts = null,
    string? Note = null);
