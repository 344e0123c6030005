namespace Controller.Switches;

/// <summary>Kinds of failure counted by <see cref="IOpenFlowMetrics.Error"/>.</summary>
public enum OpenFlowErrorKind
{
    /// <summary>The byte stream could not be framed; the connection was closed.</summary>
    Framing,

    /// <summary>A framed message could not be decoded; OFPT_ERROR was sent back.</summary>
    Decode,

    /// <summary>The switch sent OFPT_ERROR.</summary>
    SwitchError,

    /// <summary>HELLO missing, incompatible, or a handshake step failed.</summary>
    Handshake,

    /// <summary>The handshake did not finish within HandshakeTimeout.</summary>
    HandshakeTimeout,

    /// <summary>No message for EchoTimeout; the connection was closed.</summary>
    EchoTimeout,

    /// <summary>A request got no reply within its timeout.</summary>
    RequestTimeout,

    /// <summary>A PACKET_IN event was dropped because a subscriber's queue was full.</summary>
    PacketInDropped,

    /// <summary>A multipart reply went over OpenFlow:MultipartMaxMessages or MultipartMaxBytes; the connection was closed.</summary>
    MultipartOverflow,

    /// <summary>A second connection announced a live switch's datapath id and was refused.</summary>
    DuplicateRefused,
}
