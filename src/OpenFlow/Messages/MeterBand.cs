using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary><c>enum ofp_meter_band_type</c>.</summary>
public enum MeterBandType : ushort
{
    Drop = 1,
    DscpRemark = 2,
    Experimenter = 0xffff,
}

/// <summary>A meter band (<c>struct ofp_meter_band_header</c>): type(2) | len(2) | rate(4) | burst_size(4) | body.</summary>
public abstract record MeterBand
{
    public const int MinimumSize = 16;

    public abstract MeterBandType BandType { get; }

    /// <summary>Rate in kb/s or packets/s, per the meter's flags.</summary>
    public uint Rate { get; init; }

    public uint BurstSize { get; init; }

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)BandType);
        var len = w.ReserveUInt16();
        w.WriteUInt32(Rate);
        w.WriteUInt32(BurstSize);
        WriteBody(ref w);
        w.PatchLength(len, start);
    }

    protected abstract void WriteBody(ref OfpWriter w);

    /// <summary>Reads one band from a reader holding exactly that band.</summary>
    internal static MeterBand Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = (MeterBandType)r.ReadUInt16();
        r.Skip(2);
        var rate = r.ReadUInt32();
        var burst = r.ReadUInt32();
        MeterBand band = type switch
        {
            MeterBandType.Drop => DropBand.ReadBody(ref r),
            MeterBandType.DscpRemark => DscpRemarkBand.ReadBody(ref r),
            MeterBandType.Experimenter => ExperimenterBand.ReadBody(ref r),
            _ => throw new OfpDecodeException(ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadBand, at, $"unknown meter band type {(ushort)type}"),
        };
        return band with { Rate = rate, BurstSize = burst };
    }

    internal static ImmutableArray<MeterBand> ReadList(ref OfpReader r) =>
        EntryList.ReadLengthPrefixed(ref r, 2, MinimumSize, Read, "meter band", ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadBand);

    internal static void WriteList(ref OfpWriter w, ImmutableArray<MeterBand> bands)
    {
        foreach (var b in bands)
        {
            b.Write(ref w);
        }
    }
}

/// <summary>OFPMBT_DROP: drop packets above the rate (body: pad(4)).</summary>
public sealed record DropBand : MeterBand
{
    public override MeterBandType BandType => MeterBandType.Drop;

    protected override void WriteBody(ref OfpWriter w) => w.WriteZeros(4);

    internal static DropBand ReadBody(ref OfpReader r)
    {
        r.Skip(4);
        r.ExpectEnd("DROP band");
        return new DropBand();
    }
}

/// <summary>OFPMBT_DSCP_REMARK: raise the drop precedence (body: prec_level(1) | pad(3)).</summary>
public sealed record DscpRemarkBand : MeterBand
{
    public override MeterBandType BandType => MeterBandType.DscpRemark;

    public byte PrecLevel { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt8(PrecLevel);
        w.WriteZeros(3);
    }

    internal static DscpRemarkBand ReadBody(ref OfpReader r)
    {
        var prec = r.ReadUInt8();
        r.Skip(3);
        r.ExpectEnd("DSCP_REMARK band");
        return new DscpRemarkBand { PrecLevel = prec };
    }
}

/// <summary>OFPMBT_EXPERIMENTER (body: experimenter(4) | data...).</summary>
public sealed record ExperimenterBand : MeterBand
{
    public override MeterBandType BandType => MeterBandType.Experimenter;

    public uint Experimenter { get; init; }

    public Octets Data { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt32(Experimenter);
        w.WriteBytes(Data.Span);
    }

    internal static ExperimenterBand ReadBody(ref OfpReader r) =>
        new() { Experimenter = r.ReadUInt32(), Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
}
