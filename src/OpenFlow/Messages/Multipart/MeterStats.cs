using System.Collections.Immutable;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_METER request: meter_id(4) | pad(4); <see cref="OfpMeter.All"/> for all meters.</summary>
public sealed record MeterStatsRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Meter;

    public uint MeterId { get; init; } = OfpMeter.All;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(MeterId);
        w.WriteZeros(4);
    }

    internal static MeterStatsRequest Read(ref OfpReader r)
    {
        var id = r.ReadUInt32();
        r.Skip(4);
        r.ExpectEnd("METER request");
        return new MeterStatsRequest { MeterId = id };
    }
}

/// <summary>Per-band counters (<c>struct ofp_meter_band_stats</c>): packet_band_count(8) | byte_band_count(8).</summary>
public readonly record struct MeterBandStats(ulong PacketBandCount, ulong ByteBandCount)
{
    public const int Size = 16;
}

/// <summary>One meter's counters (<c>struct ofp_meter_stats</c>).</summary>
/// <remarks>
/// <code>
/// meter_id(4) | len(2) | pad(6) | flow_count(4) | packet_in_count(8) | byte_in_count(8)
/// | duration_sec(4) | duration_nsec(4) | ofp_meter_band_stats(16) x n
/// </code>
/// Note the length sits at offset 4, not 0.
/// </remarks>
public sealed record MeterStats
{
    public const int HeaderSize = 40;

    public uint MeterId { get; init; }

    public uint FlowCount { get; init; }

    public ulong PacketInCount { get; init; }

    public ulong ByteInCount { get; init; }

    public uint DurationSec { get; init; }

    public uint DurationNsec { get; init; }

    public ImmutableArray<MeterBandStats> BandStats { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt32(MeterId);
        var len = w.ReserveUInt16();
        w.WriteZeros(6);
        w.WriteUInt32(FlowCount);
        w.WriteUInt64(PacketInCount);
        w.WriteUInt64(ByteInCount);
        w.WriteUInt32(DurationSec);
        w.WriteUInt32(DurationNsec);
        foreach (var b in BandStats)
        {
            w.WriteUInt64(b.PacketBandCount);
            w.WriteUInt64(b.ByteBandCount);
        }

        w.PatchLength(len, start);
    }

    internal static MeterStats Read(ref OfpReader r)
    {
        var id = r.ReadUInt32();
        r.Skip(8);
        return new MeterStats
        {
            MeterId = id,
            FlowCount = r.ReadUInt32(),
            PacketInCount = r.ReadUInt64(),
            ByteInCount = r.ReadUInt64(),
            DurationSec = r.ReadUInt32(),
            DurationNsec = r.ReadUInt32(),
            BandStats = EntryList.ReadFixed(ref r, MeterBandStats.Size, static (ref OfpReader b) => new MeterBandStats(b.ReadUInt64(), b.ReadUInt64()), "meter band stats"),
        };
    }

    public bool Equals(MeterStats? other) =>
        other is not null && MeterId == other.MeterId && FlowCount == other.FlowCount && PacketInCount == other.PacketInCount
        && ByteInCount == other.ByteInCount && DurationSec == other.DurationSec && DurationNsec == other.DurationNsec
        && EntryList.Equal(BandStats, other.BandStats);

    public override int GetHashCode() => HashCode.Combine(MeterId, FlowCount, PacketInCount, EntryList.Hash(BandStats));
}

/// <summary>OFPMP_METER reply: a list of <see cref="MeterStats"/>, each in its own declared length.</summary>
public sealed record MeterStatsReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Meter;

    public ImmutableArray<MeterStats> Meters { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var m in Meters)
        {
            m.Write(ref w);
        }
    }

    internal static MeterStatsReply Read(ref OfpReader r) =>
        new() { Meters = EntryList.ReadLengthPrefixed(ref r, 4, MeterStats.HeaderSize, MeterStats.Read, "meter stats") };

    public bool Equals(MeterStatsReply? other) => other is not null && EntryList.Equal(Meters, other.Meters);

    public override int GetHashCode() => EntryList.Hash(Meters);
}
