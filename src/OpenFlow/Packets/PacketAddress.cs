using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OpenFlow.Packets;

/// <summary>Conversions between <see cref="IPAddress"/> and the integer forms the packet types use.</summary>
public static class PacketAddress
{
    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{address} is not IPv4", nameof(address));
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    public static UInt128 ToUInt128(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{address} is not IPv6", nameof(address));
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    public static IPAddress ToIPAddress(uint address)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, address);
        return new IPAddress(b);
    }

    public static IPAddress ToIPAddress(UInt128 address)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, address);
        return new IPAddress(b);
    }
}
