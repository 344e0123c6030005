using System.Collections.Immutable;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_METER_CONFIG request: meter_id(4) | pad(4).</summary>
public sealed record MeterConfigRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.MeterConfig;

    public uint MeterId { get; init; } = OfpMeter.All;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(MeterId);
        w.WriteZeros(4);
    }

    internal static MeterConfigRequest Read(ref OfpReader r)
    {
        var id = r.ReadUInt32();
        r.Skip(4);
        r.ExpectEnd("METER_CONFIG request");
        return new MeterConfigRequest { MeterId = id };
    }
}

/// <summary>One meter's configuration (<c>struct ofp_meter_config</c>): length(2) | flags(2) | meter_id(4) | bands...</summary>
public sealed record MeterConfig
{
    public const int HeaderSize = 8;

    public MeterFlags Flags { get; init; }

    public uint MeterId { get; init; }

    public ImmutableArray<MeterBand> Bands { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt16((ushort)Flags);
        w.WriteUInt32(MeterId);
        MeterBand.WriteList(ref w, Bands);
        w.PatchLength(len, start);
    }

    internal static MeterConfig Read(ref OfpReader r)
    {
        r.Skip(2);
        var flags = (MeterFlags)r.ReadUInt16();
        var id = r.ReadUInt32();
        return new MeterConfig { Flags = flags, MeterId = id, Bands = MeterBand.ReadList(ref r) };
    }

    public bool Equals(MeterConfig? other) =>
        other is not null && Flags == other.Flags && MeterId == other.MeterId && EntryList.Equal(Bands, other.Bands);

    public override int GetHashCode() => HashCode.Combine(Flags, MeterId, EntryList.Hash(Bands));
}

/// <summary>OFPMP_METER_CONFIG reply: a list of <see cref="MeterConfig"/>, each in its own declared length.</summary>
public sealed record MeterConfigReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.MeterConfig;

    public ImmutableArray<MeterConfig> Meters { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var m in Meters)
        {
            m.Write(ref w);
        }
    }

    internal static MeterConfigReply Read(ref OfpReader r) =>
        new() { Meters = EntryList.ReadLengthPrefixed(ref r, 0, MeterConfig.HeaderSize, MeterConfig.Read, "meter config") };

    public bool Equals(MeterConfigReply? other) => other is not null && EntryList.Equal(Meters, other.Meters);

    public override int GetHashCode() => EntryList.Hash(Meters);
}
