using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Why a packet was sent to the controller (<c>enum ofp_packet_in_reason</c>).</summary>
public enum PacketInReason : byte
{
    NoMatch = 0,
    Action = 1,
    InvalidTtl = 2,
}

/// <summary>OFPT_PACKET_IN (<c>struct ofp_packet_in</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | buffer_id(4) | total_len(2) | reason(1) | table_id(1) | cookie(8)
/// | ofp_match (padded to 8) | pad(2) | ethernet frame...
/// </code>
/// The decoded <see cref="Data"/> is a copy: it stays valid after the receive buffer is reused.
/// </remarks>
public sealed record PacketIn : OfpMessage
{
    public override OfpType Type => OfpType.PacketIn;

    public uint BufferId { get; init; } = OfpConstants.NoBuffer;

    /// <summary>Length of the whole frame (Data may be a truncated prefix of it).</summary>
    public ushort TotalLen { get; init; }

    public PacketInReason Reason { get; init; }

    public byte TableId { get; init; }

    public Cookie Cookie { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public Octets Data { get; init; }

    /// <summary>The OXM IN_PORT from the match, or null when the match has none.</summary>
    public uint? InPort
    {
        get
        {
            foreach (var f in Match.Fields)
            {
                if (f.IsBasic(OxmBasic.InPort) && f.Value.Length == 4 && !f.HasMask)
                {
                    return (uint)f.ValueAsUInt64();
                }
            }

            return null;
        }
    }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(BufferId);
        writer.WriteUInt16(TotalLen);
        writer.WriteUInt8((byte)Reason);
        writer.WriteUInt8(TableId);
        writer.WriteUInt64(Cookie.Value);
        Match.Write(ref writer);
        writer.WriteZeros(2);
        writer.WriteBytes(Data.Span);
    }

    /// <summary>Interned matches of the form <c>in_port=N</c> for small N: the usual PACKET_IN match.</summary>
    private static readonly Match?[] InPortMatches = new Match?[InPortCacheSize];

    private const int InPortCacheSize = 1024;

    /// <summary>
    /// The match of a PACKET_IN; when it is exactly OXM in_port=N with a small N (what OVS sends for
    /// untunnelled packets) it returns a shared immutable instance instead of decoding it again.
    /// </summary>
    private static Match ReadMatch(ref OfpReader r)
    {
        var rest = r.Rest;
        if (rest.Length >= 16
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(rest) == 0x0001_000c_8000_0004UL
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rest[12..]) == 0)
        {
            var port = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rest[8..]);
            if (port < InPortCacheSize)
            {
                var m = InPortMatches[port];
                if (m is null)
                {
                    m = new Match(Oxm.InPort(port));
                    InPortMatches[port] = m;
                }

                r.Skip(16);
                return m;
            }
        }

        return Match.Read(ref r);
    }

    public static PacketIn Read(ref OfpReader r, in OfpHeader h)
    {
        var buffer = r.ReadUInt32();
        var total = r.ReadUInt16();
        var reason = (PacketInReason)r.ReadUInt8();
        var table = r.ReadUInt8();
        var cookie = new Cookie(r.ReadUInt64());
        var match = ReadMatch(ref r);
        r.Skip(2);
        return new PacketIn
        {
            Xid = h.Xid,
            BufferId = buffer,
            TotalLen = total,
            Reason = reason,
            TableId = table,
            Cookie = cookie,
            Match = match,
            Data = Octets.CopyOf(r.ReadBytes(r.Remaining)),
        };
    }
}
