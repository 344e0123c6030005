using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_EXPERIMENTER request (<c>struct ofp_experimenter_multipart_header</c>): experimenter(4) | exp_type(4) | data...</summary>
public sealed record ExperimenterMultipartRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Experimenter;

    public uint Experimenter { get; init; }

    public uint ExpType { get; init; }

    public Octets Data { get; init; }

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Experimenter);
        w.WriteUInt32(ExpType);
        w.WriteBytes(Data.Span);
    }

    internal static ExperimenterMultipartRequest Read(ref OfpReader r) =>
        new() { Experimenter = r.ReadUInt32(), ExpType = r.ReadUInt32(), Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
}

/// <summary>OFPMP_EXPERIMENTER reply: experimenter(4) | exp_type(4) | data...</summary>
public sealed record ExperimenterMultipartReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Experimenter;

    public uint Experimenter { get; init; }

    public uint ExpType { get; init; }

    public Octets Data { get; init; }

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Experimenter);
        w.WriteUInt32(ExpType);
        w.WriteBytes(Data.Span);
    }

    internal static ExperimenterMultipartReply Read(ref OfpReader r) =>
        new() { Experimenter = r.ReadUInt32(), ExpType = r.ReadUInt32(), Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
}
