using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>An IPv4 header (RFC 791); options are skipped, not kept.</summary>
/// <remarks>
/// <code>
/// ver(4)=4 ihl(4) | dscp(6) ecn(2) | total_length(2) | id(2) | flags(3) frag_offset(13) | ttl(1) | proto(1)
/// | checksum(2) | src(4) | dst(4) | options (ihl*4 - 20)
/// </code>
/// </remarks>
public readonly record struct Ipv4Header(
    byte Dscp,
    byte Ecn,
    ushort TotalLength,
    ushort Identification,
    byte Flags,
    ushort FragmentOffset,
    byte Ttl,
    byte Protocol,
    ushort Checksum,
    uint Source,
    uint Destination,
    int HeaderLength = Ipv4Header.MinLength)
{
    public const int MinLength = 20;

    /// <summary>The "don't fragment" flag.</summary>
    public const byte DontFragment = 0x2;

    /// <summary>The "more fragments" flag.</summary>
    public const byte MoreFragments = 0x1;

    /// <summary>True for the 2nd and later fragments, which carry no L4 header.</summary>
    public bool IsLaterFragment => FragmentOffset != 0;

    /// <summary>
    /// Parses the header. False when shorter than 20 bytes, not version 4, IHL below 5, the header
    /// runs past the data, or total_length is smaller than the header. The payload may be truncated
    /// (PACKET_IN carries at most miss_send_len bytes): compare <see cref="TotalLength"/> yourself.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Ipv4Header header)
    {
        header = default;
        if (data.Length < MinLength || (data[0] >> 4) != 4)
        {
            return false;
        }

        var ihl = (data[0] & 0xf) * 4;
        var total = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (ihl < MinLength || ihl > data.Length || total < ihl)
        {
            return false;
        }

        var fragment = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        header = new Ipv4Header(
            (byte)(data[1] >> 2),
            (byte)(data[1] & 3),
            total,
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            (byte)(fragment >> 13),
            (ushort)(fragment & 0x1fff),
            data[8],
            data[9],
            BinaryPrimitives.ReadUInt16BigEndian(data[10..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            ihl);
        return true;
    }

    /// <summary>True when the header bytes (including options) sum to 0xffff, i.e. the checksum is right.</summary>
    public static bool HasValidChecksum(ReadOnlySpan<byte> data) =>
        data.Length >= MinLength && (data[0] & 0xf) * 4 is var ihl && ihl >= MinLength && ihl <= data.Length
        && InternetChecksum.Compute(data[..ihl]) == 0;

    /// <summary>Writes a 20-byte header (no options) with a freshly computed checksum; <see cref="Checksum"/> is ignored.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < MinLength)
        {
            return false;
        }

        var d = destination[..MinLength];
        d[0] = 0x45;
        d[1] = (byte)((Dscp << 2) | (Ecn & 3));
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(d[4..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], (ushort)((Flags << 13) | (FragmentOffset & 0x1fff)));
        d[8] = Ttl;
        d[9] = Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(d[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(d[12..], Source);
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], Destination);
        BinaryPrimitives.WriteUInt16BigEndian(d[10..], InternetChecksum.Compute(d));
        return true;
    }
}
