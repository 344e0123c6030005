using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_MULTIPART_REPLY (<c>struct ofp_multipart_reply</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | type(2) | flags(2) | pad(4) | body...
/// </code>
/// A long reply is split over several messages with the same xid, all but the last carrying
/// <see cref="MultipartFlags.More"/> (OFPMPF_REPLY_MORE); each message's body decodes on its own.
/// </remarks>
public sealed record MultipartReply : OfpMessage
{
    public override OfpType Type => OfpType.MultipartReply;

    public MultipartType MultipartType => Body.MultipartType;

    public MultipartFlags Flags { get; init; }

    /// <summary>True when more replies with this xid follow.</summary>
    public bool More => (Flags & MultipartFlags.More) != 0;

    public MultipartReplyBody Body { get; init; } = new DescReply();

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Body.MultipartType);
        writer.WriteUInt16((ushort)Flags);
        writer.WriteZeros(4);
        Body.Write(ref writer);
    }

    public static MultipartReply Read(ref OfpReader r, in OfpHeader h)
    {
        var at = r.Offset;
        var type = (MultipartType)r.ReadUInt16();
        var flags = (MultipartFlags)r.ReadUInt16();
        r.Skip(4);
        MultipartReplyBody body = type switch
        {
            MultipartType.Desc => DescReply.Read(ref r),
            MultipartType.Flow => FlowStatsReply.Read(ref r),
            MultipartType.Aggregate => AggregateStatsReply.Read(ref r),
            MultipartType.Table => TableStatsReply.Read(ref r),
            MultipartType.PortStats => PortStatsReply.Read(ref r),
            MultipartType.Queue => QueueStatsReply.Read(ref r),
            MultipartType.Group => GroupStatsReply.Read(ref r),
            MultipartType.GroupDesc => GroupDescReply.Read(ref r),
            MultipartType.GroupFeatures => GroupFeaturesReply.Read(ref r),
            MultipartType.Meter => MeterStatsReply.Read(ref r),
            MultipartType.MeterConfig => MeterConfigReply.Read(ref r),
            MultipartType.MeterFeatures => MeterFeaturesReply.Read(ref r),
            MultipartType.TableFeatures => TableFeaturesReply.Read(ref r),
            MultipartType.PortDesc => PortDescReply.Read(ref r),
            MultipartType.Experimenter => ExperimenterMultipartReply.Read(ref r),
            _ => throw OfpDecodeException.BadRequest(BadRequestCode.BadMultipart, at, $"unknown multipart reply type {(ushort)type}"),
        };
        r.ExpectEnd("MULTIPART_REPLY");
        return new MultipartReply { Xid = h.Xid, Flags = flags, Body = body };
    }
}

/// <summary>Base of the typed multipart reply bodies.</summary>
public abstract record MultipartReplyBody
{
    public abstract MultipartType MultipartType { get; }

    /// <summary>Writes the body (after the 16-byte multipart header).</summary>
    public abstract void Write(ref OfpWriter w);
}
