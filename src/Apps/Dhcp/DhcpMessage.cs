using System.Buffers.Binary;
using System.Collections.Immutable;
using OpenFlow;

namespace Apps.Dhcp;

/// <summary>
/// A BOOTP/DHCP message (RFC 2131 section 2) with its options, as far as a responder needs it.
/// </summary>
/// <remarks>
/// <code>
/// op(1) htype(1) hlen(1) hops(1) | xid(4) | secs(2) flags(2) | ciaddr(4) yiaddr(4) siaddr(4) giaddr(4)
/// chaddr(16) | sname(64) | file(128) | magic cookie 99.130.83.99 (4) | options (code, len, value)... 255
/// </code>
/// Options are kept as (code, value) pairs in wire order; option overload (52) into sname/file is not
/// followed, which no client needs for the options read here.
/// </remarks>
public sealed record DhcpMessage
{
    public const int FixedLength = 236;
    public const uint MagicCookie = 0x63825363;
    public const byte BootRequest = 1;
    public const byte BootReply = 2;
    public const ushort BroadcastFlag = 0x8000;

    /// <summary>Frames larger than this are not DHCP a responder answers (RFC 2131 clients send at most 576 bytes by default).</summary>
    public const int MaxLength = 1500;

    public byte Op { get; init; }

    public uint TransactionId { get; init; }

    public ushort Seconds { get; init; }

    public ushort Flags { get; init; }

    public uint ClientIp { get; init; }

    public uint YourIp { get; init; }

    public uint ServerIp { get; init; }

    public uint RelayIp { get; init; }

    public MacAddress ClientMac { get; init; }

    public ImmutableArray<(byte Code, ImmutableArray<byte> Value)> Options { get; init; } = [];

    public DhcpMessageType? MessageType =>
        FindOption(DhcpOption.MessageType) is { Length: 1 } v && v[0] is >= 1 and <= 8 ? (DhcpMessageType)v[0] : null;

    public uint? RequestedIp =>
        FindOption(DhcpOption.RequestedIpAddress) is { Length: 4 } v ? BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan()) : null;

    public uint? ServerIdentifier =>
        FindOption(DhcpOption.ServerIdentifier) is { Length: 4 } v ? BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan()) : null;

    public ImmutableArray<byte>? FindOption(byte code)
    {
        foreach (var (c, v) in Options)
        {
            if (c == code)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>
    /// Parses a DHCP message (the UDP payload). False for anything malformed: short, not Ethernet
    /// hardware addresses, no magic cookie, an option running past the end, or no end option.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out DhcpMessage message)
    {
        message = null!;
        if (data.Length < FixedLength + 4 || data.Length > MaxLength || data[1] != 1 || data[2] != 6)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[FixedLength..]) != MagicCookie)
        {
            return false;
        }

        var options = ImmutableArray.CreateBuilder<(byte, ImmutableArray<byte>)>();
        var at = FixedLength + 4;
        var ended = false;
        while (at < data.Length)
        {
            var code = data[at++];
            if (code == DhcpOption.Pad)
            {
                continue;
            }

            if (code == DhcpOption.End)
            {
                ended = true;
                break;
            }

            if (at >= data.Length || at + 1 + data[at] > data.Length)
            {
                return false;
            }

            var len = data[at++];
            options.Add((code, [.. data.Slice(at, len)]));
            at += len;
        }

        if (!ended)
        {
            return false;
        }

        message = new DhcpMessage
        {
            Op = data[0],
            TransactionId = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Seconds = BinaryPrimitives.ReadUInt16BigEndian(data[8..]),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(data[10..]),
            ClientIp = BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            YourIp = BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            ServerIp = BinaryPrimitives.ReadUInt32BigEndian(data[20..]),
            RelayIp = BinaryPrimitives.ReadUInt32BigEndian(data[24..]),
            ClientMac = MacAddress.Read(data.Slice(28, 6)),
            Options = options.ToImmutable(),
        };
        return true;
    }

    /// <summary>The message on the wire: fixed part, magic cookie, options in order, end option.</summary>
    public byte[] ToBytes()
    {
        var length = FixedLength + 4 + 1 + Options.Sum(o => 2 + o.Value.Length);
        var b = new byte[length];
        var s = b.AsSpan();
        s[0] = Op;
        s[1] = 1;
        s[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(s[8..], Seconds);
        BinaryPrimitives.WriteUInt16BigEndian(s[10..], Flags);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], ClientIp);
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], YourIp);
        BinaryPrimitives.WriteUInt32BigEndian(s[20..], ServerIp);
        BinaryPrimitives.WriteUInt32BigEndian(s[24..], RelayIp);
        ClientMac.Write(s.Slice(28, 6));
        BinaryPrimitives.WriteUInt32BigEndian(s[FixedLength..], MagicCookie);
        var at = FixedLength + 4;
        foreach (var (code, value) in Options)
        {
            s[at++] = code;
            s[at++] = (byte)value.Length;
            value.AsSpan().CopyTo(s[at..]);
            at += value.Length;
        }

        s[at] = DhcpOption.End;
        return b;
    }
}
