using System.Collections.Immutable;
using OpenFlow;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>Something that happened to a switch; read from <see cref="ISwitchEvents"/>.</summary>
public abstract record SwitchEvent(DatapathId DatapathId);

/// <summary>A switch finished the handshake and is ready (also replayed to new subscribers).</summary>
public sealed record SwitchConnected(ISwitchConnection Connection) : SwitchEvent(Connection.DatapathId);

/// <summary>
/// A switch's connection ended, or was replaced by a newer connection with the same datapath id
/// (then a <see cref="SwitchConnected"/> for the new one follows).
/// </summary>
public sealed record SwitchDisconnected(DatapathId DatapathId, ISwitchConnection Connection) : SwitchEvent(DatapathId);

/// <summary>PORT_STATUS changed the port set; <see cref="Ports"/> is the full new snapshot.</summary>
public sealed record SwitchPortsChanged(DatapathId DatapathId, ImmutableArray<Port> Ports, PortStatus Change) : SwitchEvent(DatapathId);

/// <summary>A PACKET_IN; <see cref="Connection"/> is where to send the answer.</summary>
public sealed record SwitchPacketIn(DatapathId DatapathId, ISwitchConnection Connection, PacketIn Message) : SwitchEvent(DatapathId);

/// <summary>An OFPT_ERROR from the switch (whether or not it matched a pending request).</summary>
public sealed record SwitchError(DatapathId DatapathId, ErrorMessage Error) : SwitchEvent(DatapathId);

/// <summary>A FLOW_REMOVED notification.</summary>
public sealed record SwitchFlowRemoved(DatapathId DatapathId, FlowRemoved Message) : SwitchEvent(DatapathId);
