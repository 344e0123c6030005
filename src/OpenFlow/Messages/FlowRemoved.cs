using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Why a flow was removed (<c>enum ofp_flow_removed_reason</c>).</summary>
public enum FlowRemovedReason : byte
{
    IdleTimeout = 0,
    HardTimeout = 1,
    Delete = 2,
    GroupDelete = 3,
    MeterDelete = 4,
}

/// <summary>OFPT_FLOW_REMOVED (<c>struct ofp_flow_removed</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | cookie(8) | priority(2) | reason(1) | table_id(1) | duration_sec(4) | duration_nsec(4)
/// | idle_timeout(2) | hard_timeout(2) | packet_count(8) | byte_count(8) | ofp_match (padded to 8)
/// </code>
/// </remarks>
public sealed record FlowRemoved : OfpMessage
{
    public override OfpType Type => OfpType.FlowRemoved;

    public Cookie Cookie { get; init; }

    public ushort Priority { get; init; }

    public FlowRemovedReason Reason { get; init; }

    public byte TableId { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public ulong PacketCount { get; init; }

    public ulong ByteCount { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt64(Cookie.Value);
        writer.WriteUInt16(Priority);
        writer.WriteUInt8((byte)Reason);
        writer.WriteUInt8(TableId);
        writer.WriteUInt32(DurationSec);
        writer.WriteUInt32(DurationNsec);
        writer.WriteUInt16(IdleTimeout);
        writer.WriteUInt16(HardTimeout);
        writer.WriteUInt64(PacketCount);
        writer.WriteUInt64(ByteCount);
        Match.Write(ref writer);
    }

    public static FlowRemoved Read(ref OfpReader r, in OfpHeader h)
    {
        var m = new FlowRemoved
        {
            Xid = h.Xid,
            Cookie = new Cookie(r.ReadUInt64()),
            Priority = r.ReadUInt16(),
            Reason = (FlowRemovedReason)r.ReadUInt8(),
            TableId = r.ReadUInt8(),
            DurationSec = r.ReadUInt32(),
            DurationNsec = r.ReadUInt32(),
            IdleTimeout = r.ReadUInt16(),
            HardTimeout = r.ReadUInt16(),
            PacketCount = r.ReadUInt64(),
            ByteCount = r.ReadUInt64(),
            Match = Match.Read(ref r),
        };
        r.ExpectEnd("FLOW_REMOVED");
        return m;
    }
}
