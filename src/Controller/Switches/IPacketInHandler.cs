using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// Answers a switch's PACKET_INs inside that switch's own sequential context: its DotNetty event
/// loop, in arrival order, with no queue or thread hop in between (one switch's flood cannot delay
/// another switch's packets through a shared consumer). Implementations must not block and must be
/// cheap: they run while the loop reads the socket.
/// </summary>
public interface IPacketInHandler
{
    /// <summary>
    /// Handles one PACKET_IN of <paramref name="connection"/>. Answers are written with
    /// <paramref name="output"/> and flushed once at the end of the read burst.
    /// </summary>
    void OnPacketIn(ISwitchConnection connection, in PacketInView packetIn, IPacketOutput output);
}

/// <summary>The writer of PACKET_IN answers, valid only during <see cref="IPacketInHandler.OnPacketIn"/>.</summary>
public interface IPacketOutput
{
    /// <summary>Queues a message behind the ones written before (xid 0 gets a fresh xid); flushed at the end of the burst.</summary>
    void Write(OfpMessage message);

    /// <summary>
    /// Space for one encoded message of <paramref name="length"/> bytes at the end of this burst's
    /// answers, and the xid to put in it; the caller fills all of it before anything else is written.
    /// Empty when the message may not be sent (this controller is not master, the channel is gone, or
    /// the burst's answers are full), so the caller skips it. Allocates nothing in steady state.
    /// </summary>
    Span<byte> Reserve(OpenFlow.Protocol.OfpType type, int length, out uint xid);
}
