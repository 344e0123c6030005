using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_PORT_STATS request: port_no(4) | pad(4); OFPP_ANY for all ports.</summary>
public sealed record PortStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.PortStats;

    public uint PortNo { get; init; } = OfpPort.Any;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PortNo);
        w.WriteZeros(4);
    }

    internal static PortStatsRequest Read(ref OfpReader r)
    {
        var port = r.ReadUInt32();
        r.Skip(4);
        r.ExpectEnd("PORT_STATS request");
        return new PortStatsRequest { PortNo = port };
    }
}

/// <summary>One port's counters (<c>struct ofp_port_stats</c>, 112 bytes).</summary>
/// <remarks>
/// <code>
/// port_no(4) | pad(4) | rx_packets | tx_packets | rx_bytes | tx_bytes | rx_dropped | tx_dropped | rx_errors
/// | tx_errors | rx_frame_err | rx_over_err | rx_crc_err | collisions (8 each) | duration_sec(4) | duration_nsec(4)
/// </code>
/// </remarks>
public sealed record PortStats
{
    public const int Size = 112;

    public uint PortNo { get; init; }

    public ulong RxPackets { get; init; }

    public ulong TxPackets { get; init; }

    public ulong RxBytes { get; init; }

    public ulong TxBytes { get; init; }

    public ulong RxDropped { get; init; }

    public ulong TxDropped { get; init; }

    public ulong RxErrors { get; init; }

    public ulong TxErrors { get; init; }

    public ulong RxFrameErr { get; init; }

    public ulong RxOverErr { get; init; }

    public ulong RxCrcErr { get; init; }

    public ulong Collisions { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PortNo);
        w.WriteZeros(4);
        w.WriteUInt64(RxPackets);
        w.WriteUInt64(TxPackets);
        w.WriteUInt64(RxBytes);
        w.WriteUInt64(TxBytes);
        w.WriteUInt64(RxDropped);
        w.WriteUInt64(TxDropped);
        w.WriteUInt64(RxErrors);
        w.WriteUInt64(TxErrors);
        w.WriteUInt64(RxFrameErr);
        w.WriteUInt64(RxOverErr);
        w.WriteUInt64(RxCrcErr);
        w.WriteUInt64(Collisions);
        w.WriteUInt32(DurationSec);
        w.WriteUInt32(DurationNsec);
    }

    internal static PortStats Read(ref OfpReader r)
    {
        var port = r.ReadUInt32();
        r.Skip(4);
        return new PortStats
        {
            PortNo = port,
            RxPackets = r.ReadUInt64(),
            TxPackets = r.ReadUInt64(),
            RxBytes = r.ReadUInt64(),
            TxBytes = r.ReadUInt64(),
            RxDropped = r.ReadUInt64(),
            TxDropped = r.ReadUInt64(),
            RxErrors = r.ReadUInt64(),
            TxErrors = r.ReadUInt64(),
            RxFrameErr = r.ReadUInt64(),
            RxOverErr = r.ReadUInt64(),
            RxCrcErr = r.ReadUInt64(),
            Collisions = r.ReadUInt64(),
            DurationSec = r.ReadUInt32(),
            DurationNsec = r.ReadUInt32(),
        };
    }
}

/// <summary>OFPMP_PORT_STATS reply: an array of 112-byte <see cref="PortStats"/>.</summary>
public sealed record PortStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.PortStats;

    public ImmutableArray<PortStats> Ports { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var p in Ports)
        {
            p.Write(ref w);
        }
    }

    internal static PortStatsReply Read(ref OfpReader r) =>
        new() { Ports = EntryList.ReadFixed(ref r, PortStats.Size, PortStats.Read, "port stats") };

    public bool Equals(PortStatsReply? other) => other is not null && EntryList.Equal(Ports, other.Ports);

    public override int GetHashCode() => EntryList.Hash(Ports);
}
