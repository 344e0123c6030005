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

    /// <summary>Dispatches on experimenter id and type: the flow monitor request is typed, the rest kept raw.</summary>
    internal static MultipartRequestBody Read(ref OfpReader r)
    {
        var experimenter = r.ReadUInt32();
        var expType = r.ReadUInt32();
        if (experimenter == Protocol.OfpConstants.OnfExperimenter && expType == Nicira.NxFlowMonitorRequest.ExpType)
        {
            return Nicira.NxFlowMonitorRequest.ReadBody(ref r);
        }

        return new ExperimenterMultipartRequest { Experimenter = experimenter, ExpType = expType, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
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

    /// <summary>Dispatches on experimenter id and type: flow monitor replies and updates are typed, the rest kept raw.</summary>
    internal static MultipartReplyBody Read(ref OfpReader r)
    {
        var experimenter = r.ReadUInt32();
        var expType = r.ReadUInt32();
        if (experimenter == Protocol.OfpConstants.OnfExperimenter && expType == Nicira.NxFlowMonitorRequest.ExpType)
        {
            return Nicira.NxFlowMonitorReply.ReadBody(ref r);
        }

        return new ExperimenterMultipartReply { Experimenter = experimenter, ExpType = expType, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
}
