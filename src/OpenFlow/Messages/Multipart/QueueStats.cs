using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_QUEUE request: port_no(4) | queue_id(4); OFPP_ANY / OFPQ_ALL (0xffffffff) for all.</summary>
public sealed record QueueStatsRequest : MultipartRequestBody
{
    public const uint AllQueues = 0xffffffff;

    public override MultipartType MultipartType => MultipartType.Queue;

    public uint PortNo { get; init; } = OfpPort.Any;

    public uint QueueId { get; init; } = AllQueues;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PortNo);
        w.WriteUInt32(QueueId);
    }

    internal static QueueStatsRequest Read(ref OfpReader r)
    {
        var q = new QueueStatsRequest { PortNo = r.ReadUInt32(), QueueId = r.ReadUInt32() };
        r.ExpectEnd("QUEUE request");
        return q;
    }
}

/// <summary>One queue's counters (<c>struct ofp_queue_stats</c>, 40 bytes).</summary>
/// <remarks>
/// <code>
/// port_no(4) | queue_id(4) | tx_bytes(8) | tx_packets(8) | tx_errors(8) | duration_sec(4) | duration_nsec(4)
/// </code>
/// </remarks>
public sealed record QueueStats
{
    public const int Size = 40;

    public uint PortNo { get; init; }

    public uint QueueId { get; init; }

    public ulong TxBytes { get; init; }

    public ulong TxPackets { get; init; }

    public ulong TxErrors { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PortNo);
        w.WriteUInt32(QueueId);
        w.WriteUInt64(TxBytes);
        w.WriteUInt64(TxPackets);
        w.WriteUInt64(TxErrors);
        w.WriteUInt32(DurationSec);
        w.WriteUInt32(DurationNsec);
    }

    internal static QueueStats Read(ref OfpReader r) => new()
    {
        PortNo = r.ReadUInt32(),
        QueueId = r.ReadUInt32(),
        TxBytes = r.ReadUInt64(),
        TxPackets = r.ReadUInt64(),
        TxErrors = r.ReadUInt64(),
        DurationSec = r.ReadUInt32(),
        DurationNsec = r.ReadUInt32(),
    };
}

/// <summary>OFPMP_QUEUE reply: an array of 40-byte <see cref="QueueStats"/>.</summary>
public sealed record QueueStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Queue;

    public ImmutableArray<QueueStats> Queues { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var q in Queues)
        {
            q.Write(ref w);
        }
    }

    internal static QueueStatsReply Read(ref OfpReader r) =>
        new() { Queues = EntryList.ReadFixed(ref r, QueueStats.Size, QueueStats.Read, "queue stats") };

    public bool Equals(QueueStatsReply? other) => other is not null && EntryList.Equal(Queues, other.Queues);

    public override int GetHashCode() => EntryList.Hash(Queues);
}
