using System.Buffers.Binary;
using OpenFlow.Protocol;

namespace OpenFlow.Wire;

/// <summary>
/// The 8-byte header every OpenFlow message starts with (<c>struct ofp_header</c>).
/// </summary>
/// <remarks>
/// <code>
///  0       1       2               4                               8
/// +-------+-------+---------------+-------------------------------+
/// |version| type  |    length     |              xid              |
/// +-------+-------+---------------+-------------------------------+
/// </code>
/// </remarks>
public readonly record struct OfpHeader(byte Version, OfpType Type, ushort Length, uint Xid)
{
    public const int Size = 8;

    /// <summary>Reads a header from the first 8 bytes; the span must hold at least 8 bytes.</summary>
    public static OfpHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
        {
            throw OfpDecodeException.BadLen(0, "message shorter than its header");
        }

        return new OfpHeader(
            data[0],
            (OfpType)data[1],
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
    }
}
