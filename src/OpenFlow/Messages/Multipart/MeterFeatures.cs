using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_METER_FEATURES request: empty body.</summary>
public sealed record MeterFeaturesRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.MeterFeatures;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static MeterFeaturesRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("METER_FEATURES request");
        return new MeterFeaturesRequest();
    }
}

/// <summary>OFPMP_METER_FEATURES reply (<c>struct ofp_meter_features</c>).</summary>
/// <remarks>
/// <code>
/// max_meter(4) | band_types(4, bit n = band type n) | capabilities(4, meter flags) | max_bands(1) | max_color(1) | pad(2)
/// </code>
/// </remarks>
public sealed record MeterFeaturesReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.MeterFeatures;

    public uint MaxMeter { get; init; }

    public uint BandTypes { get; init; }

    public MeterFlags Capabilities { get; init; }

    public byte MaxBands { get; init; }

    public byte MaxColor { get; init; }

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(MaxMeter);
        w.WriteUInt32(BandTypes);
        w.WriteUInt32((uint)Capabilities);
        w.WriteUInt8(MaxBands);
        w.WriteUInt8(MaxColor);
        w.WriteZeros(2);
    }

    internal static MeterFeaturesReply Read(ref OfpReader r)
    {
        var maxMeter = r.ReadUInt32();
        var bandTypes = r.ReadUInt32();
        var caps = r.ReadUInt32();
        if (caps > ushort.MaxValue)
        {
            throw OfpDecodeException.BadLen(r.Offset - 4, $"meter capabilities 0x{caps:x} outside the 16 meter flag bits");
        }

        var m = new MeterFeaturesReply
        {
            MaxMeter = maxMeter,
            BandTypes = bandTypes,
            Capabilities = (MeterFlags)caps,
            MaxBands = r.ReadUInt8(),
            MaxColor = r.ReadUInt8(),
        };
        r.Skip(2);
        r.ExpectEnd("METER_FEATURES reply");
        return m;
    }
}
