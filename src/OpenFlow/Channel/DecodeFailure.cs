using OpenFlow.Protocol;

namespace OpenFlow.Channel;

/// <summary>
/// Emitted by <see cref="OfpMessageDecoder"/> in place of a message that was framed correctly but
/// could not be decoded. The session answers it with an OFPT_ERROR carrying <see cref="ErrorType"/>,
/// <see cref="Code"/> and <see cref="Offending"/> (the first 64 bytes), and keeps the connection.
/// </summary>
public sealed record DecodeFailure(
    uint Xid,
    byte Version,
    byte TypeByte,
    int Length,
    ErrorType ErrorType,
    ushort Code,
    int Offset,
    Octets Offending,
    string Reason)
{
    /// <summary>How many bytes of the offending message are kept (the spec asks for at least 64).</summary>
    public const int MaxOffending = 64;
}
