using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>
/// An Ethernet II header with zero, one or two 802.1Q/802.1ad tags.
/// </summary>
/// <remarks>
/// <code>
/// dst(6) | src(6) | [tpid(2) tci(2)] | [tpid(2) tci(2)] | ethertype(2) | payload
/// </code>
/// </remarks>
public readonly record struct EthernetHeader(MacAddress Destination, MacAddress Source, ushort EtherType, VlanTag? OuterTag = null, VlanTag? InnerTag = null)
{
    public const int MinLength = 14;

    /// <summary>Header bytes: 14 plus 4 per tag.</summary>
    public int Length => MinLength + (OuterTag is null ? 0 : 4) + (InnerTag is null ? 0 : 4);

    public static bool TryParse(ReadOnlySpan<byte> frame, out EthernetHeader header)
    {
        header = default;
        if (frame.Length < MinLength)
        {
            return false;
        }

        var dst = MacAddress.Read(frame);
        var src = MacAddress.Read(frame[6..]);
        var pos = 12;
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[pos..]);
        VlanTag? outer = null, inner = null;
        for (var tags = 0; tags < 2 && IsTpid(type); tags++)
        {
            if (frame.Length < pos + 8)
            {
                return false;
            }

            var tag = VlanTag.FromTci(type, BinaryPrimitives.ReadUInt16BigEndian(frame[(pos + 2)..]));
            if (outer is null)
            {
                outer = tag;
            }
            else
            {
                inner = tag;
            }

            pos += 4;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[pos..]);
        }

        header = new EthernetHeader(dst, src, type, outer, inner);
        return true;
    }

    /// <summary>Writes the header and returns its length; false if <paramref name="destination"/> is too short.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Length || (InnerTag is not null && OuterTag is null))
        {
            return false;
        }

        Destination.Write(destination);
        Source.Write(destination[6..]);
        var pos = 12;
        WriteTag(destination, OuterTag, ref pos);
        WriteTag(destination, InnerTag, ref pos);

        BinaryPrimitives.WriteUInt16BigEndian(destination[pos..], EtherType);
        written = pos + 2;
        return true;
    }

    private static void WriteTag(Span<byte> destination, VlanTag? tag, ref int pos)
    {
        if (tag is { } t)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[pos..], t.Tpid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(pos + 2)..], t.Tci);
            pos += 4;
        }
    }

    private static bool IsTpid(ushort type) => type is Packets.EtherType.Vlan or Packets.EtherType.QinQ;
}
