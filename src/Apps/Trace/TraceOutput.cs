namespace Apps.Trace;

/// <summary>A packet leaving the switch: the OpenFlow port (IN_PORT already resolved), its name, and the packet as it leaves.</summary>
public sealed record TraceOutput(uint Port, string PortName, TracePacket Packet);
