using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>
/// Base of every OpenFlow message. A message knows its type and writes its body (everything after
/// the 8-byte header); <see cref="MessageCodec"/> writes the header and back-patches the length.
/// Each concrete type has a static <c>Read(ref OfpReader body, in OfpHeader header)</c> next to
/// its <see cref="WriteBody"/>.
/// </summary>
public abstract record OfpMessage
{
    public uint Xid { get; init; }

    public abstract OfpType Type { get; }

    /// <summary>The version byte written in the header; 0x04 except for HELLO, which may offer others.</summary>
    public virtual byte WireVersion => OfpConstants.Version;

    public abstract void WriteBody(ref OfpWriter writer);
}
