using System.Collections.Immutable;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>One entry of a flow monitor reply (<c>struct nx_flow_update_header</c>): length(2) | event(2) | ...; every entry is a multiple of 8 bytes.</summary>
public abstract record NxFlowUpdate
{
    public abstract NxFlowUpdateEvent Event { get; }

    public abstract void Write(ref OfpWriter w);

    /// <summary>Reads one entry from a reader holding exactly that entry.</summary>
    internal static NxFlowUpdate Read(ref OfpReader r)
    {
        var at = r.Offset;
        if (r.Remaining % 8 != 0)
        {
            throw OfpDecodeException.BadLen(at, $"flow update of {r.Remaining} bytes is not a multiple of 8");
        }

        var evt = (NxFlowUpdateEvent)r.PeekUInt16(2);
        return evt switch
        {
            NxFlowUpdateEvent.Abbrev => NxFlowUpdateAbbrev.ReadEntry(ref r),
            NxFlowUpdateEvent.Added or NxFlowUpdateEvent.Deleted or NxFlowUpdateEvent.Modified => NxFlowUpdateFull.ReadEntry(ref r),
            _ => throw OfpDecodeException.BadRequest(BadRequestCode.BadExpType, at, $"unknown flow update event {(ushort)evt}"),
        };
    }
}

/// <summary>
/// NXFME_ADDED / NXFME_DELETED / NXFME_MODIFIED (<c>struct onf_flow_update_full</c>, the OpenFlow 1.3
/// form of <c>nx_flow_update_full</c>): a change made by someone else (or by this connection when
/// <see cref="NxFlowMonitorFlags.Own"/> was asked for).
/// </summary>
/// <remarks>
/// <code>
/// length(2) | event(2) | reason(2) | priority(2) | idle_timeout(2) | hard_timeout(2) | match_len(2)
/// | table_id(1) | pad(1) | cookie(8) | ofp_match (padded to 8) | instructions...
/// </code>
/// Instructions are present only with <see cref="NxFlowMonitorFlags.Actions"/> and never for DELETED.
/// </remarks>
public sealed record NxFlowUpdateFull : NxFlowUpdate
{
    public const int HeaderSize = 24;

    public NxFlowUpdateEvent Kind { get; init; } = NxFlowUpdateEvent.Added;

    public override NxFlowUpdateEvent Event => Kind;

    /// <summary>OFPRR_* for DELETED (0 idle timeout, 1 hard timeout, 2 delete, 3 group delete, 4 meter delete), else 0.</summary>
    public ushort Reason { get; init; }

    public ushort Priority { get; init; }

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public byte TableId { get; init; }

    public Cookie Cookie { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public ImmutableArray<OfpInstruction> Instructions { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        if (Kind == NxFlowUpdateEvent.Abbrev)
        {
            throw new OfpEncodeException("an abbreviated update is an NxFlowUpdateAbbrev");
        }

        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt16((ushort)Kind);
        w.WriteUInt16(Reason);
        w.WriteUInt16(Priority);
        w.WriteUInt16(IdleTimeout);
        w.WriteUInt16(HardTimeout);
        var matchLen = w.ReserveUInt16();
        w.WriteUInt8(TableId);
        w.WriteZeros(1);
        w.WriteUInt64(Cookie.Value);
        var matchStart = w.Position;
        Match.Write(ref w);
        w.PatchUInt16(matchLen, NxFlowMonitorEntry.MatchLength(w.Written[matchStart..]));
        OfpInstruction.WriteList(ref w, Instructions);
        w.PatchLength(len, start);
    }

    internal static NxFlowUpdateFull ReadEntry(ref OfpReader r)
    {
        var at = r.Offset;
        if (r.Remaining < HeaderSize)
        {
            throw OfpDecodeException.BadLen(at, $"full flow update of {r.Remaining} bytes is shorter than {HeaderSize}");
        }

        r.Skip(2);
        var kind = (NxFlowUpdateEvent)r.ReadUInt16();
        var reason = r.ReadUInt16();
        var priority = r.ReadUInt16();
        var idle = r.ReadUInt16();
        var hard = r.ReadUInt16();
        var matchLen = r.ReadUInt16();
        var table = r.ReadUInt8();
        r.Skip(1);
        var cookie = new Cookie(r.ReadUInt64());
        NxFlowMonitorEntry.CheckMatchLength(ref r, matchLen);
        var match = Match.Read(ref r);
        return new NxFlowUpdateFull
        {
            Kind = kind,
            Reason = reason,
            Priority = priority,
            IdleTimeout = idle,
            HardTimeout = hard,
            TableId = table,
            Cookie = cookie,
            Match = match,
            Instructions = OfpInstruction.ReadList(ref r),
        };
    }

    public bool Equals(NxFlowUpdateFull? other) =>
        other is not null && Kind == other.Kind && Reason == other.Reason && Priority == other.Priority
        && IdleTimeout == other.IdleTimeout && HardTimeout == other.HardTimeout && TableId == other.TableId
        && Cookie == other.Cookie && Match.Equals(other.Match) && EntryList.Equal(Instructions, other.Instructions);

    public override int GetHashCode() => HashCode.Combine(Kind, TableId, Priority, Cookie, Match);
}

/// <summary>
/// NXFME_ABBREV (<c>struct nx_flow_update_abbrev</c>): length(2)=8 | event(2)=3 | xid(4). A change this
/// connection made itself (monitor without <see cref="NxFlowMonitorFlags.Own"/>), named by the xid of
/// the FLOW_MOD that caused it.
/// </summary>
public sealed record NxFlowUpdateAbbrev(uint Xid) : NxFlowUpdate
{
    public const int Size = 8;

    public override NxFlowUpdateEvent Event => NxFlowUpdateEvent.Abbrev;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16(Size);
        w.WriteUInt16((ushort)NxFlowUpdateEvent.Abbrev);
        w.WriteUInt32(Xid);
    }

    internal static NxFlowUpdateAbbrev ReadEntry(ref OfpReader r)
    {
        if (r.Remaining != Size)
        {
            throw OfpDecodeException.BadLen(r.Offset, $"abbreviated flow update of {r.Remaining} bytes, not {Size}");
        }

        r.Skip(4);
        return new NxFlowUpdateAbbrev(r.ReadUInt32());
    }
}
