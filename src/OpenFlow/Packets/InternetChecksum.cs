using System.Buffers.Binary;

namespace OpenFlow.Packets;

/// <summary>The RFC 1071 ones'-complement checksum used by IPv4, ICMP, UDP and TCP.</summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words to a running 32-bit sum (odd tail zero-padded).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        return sum;
    }

    /// <summary>Folds a running sum into the final complemented 16-bit checksum.</summary>
    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>The IPv4 pseudo-header sum for UDP/TCP checksums.</summary>
    public static uint PseudoHeaderV4(uint source, uint destination, byte protocol, int length) =>
        (source >> 16) + (source & 0xffff) + (destination >> 16) + (destination & 0xffff) + protocol + (uint)length;

    /// <summary>The IPv6 pseudo-header sum for UDP/TCP/ICMPv6 checksums.</summary>
    public static uint PseudoHeaderV6(UInt128 source, UInt128 destination, byte nextHeader, int length)
    {
        Span<byte> b = stackalloc byte[32];
        BinaryPrimitives.WriteUInt128BigEndian(b, source);
        BinaryPrimitives.WriteUInt128BigEndian(b[16..], destination);
        return Add(0, b) + (uint)(length >> 16) + (uint)(length & 0xffff) + nextHeader;
    }
}
