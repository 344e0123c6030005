using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_MULTIPART_REQUEST (<c>struct ofp_multipart_request</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | type(2) | flags(2) | pad(4) | body...
/// </code>
/// The type comes from <see cref="Body"/>; e.g. <c>new MultipartRequest { Body = new PortDescRequest() }</c>.
/// </remarks>
public sealed record MultipartRequest : OfpMessage
{
    public override OfpType Type => OfpType.MultipartRequest;

    public MultipartType MultipartType => Body.MultipartType;

    /// <summary><see cref="MultipartFlags.More"/> (OFPMPF_REQ_MORE) when more requests follow.</summary>
    public MultipartFlags Flags { get; init; }

    public MultipartRequestBody Body { get; init; } = new DescRequest();

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Body.MultipartType);
        writer.WriteUInt16((ushort)Flags);
        writer.WriteZeros(4);
        Body.Write(ref writer);
    }

    public static MultipartRequest Read(ref OfpReader r, in OfpHeader h)
    {
        var at = r.Offset;
        var type = (MultipartType)r.ReadUInt16();
        var flags = (MultipartFlags)r.ReadUInt16();
        r.Skip(4);
        MultipartRequestBody body = type switch
        {
            MultipartType.Desc => DescRequest.Read(ref r),
            MultipartType.Flow => FlowStatsRequest.Read(ref r),
            MultipartType.Aggregate => AggregateStatsRequest.Read(ref r),
            MultipartType.Table => TableStatsRequest.Read(ref r),
            MultipartType.PortStats => PortStatsRequest.Read(ref r),
            MultipartType.Queue => QueueStatsRequest.Read(ref r),
            MultipartType.Group => GroupStatsRequest.Read(ref r),
            MultipartType.GroupDesc => GroupDescRequest.Read(ref r),
            MultipartType.GroupFeatures => GroupFeaturesRequest.Read(ref r),
            MultipartType.Meter => MeterStatsRequest.Read(ref r),
            MultipartType.MeterConfig => MeterConfigRequest.Read(ref r),
            MultipartType.MeterFeatures => MeterFeaturesRequest.Read(ref r),
            MultipartType.TableFeatures => TableFeaturesRequest.Read(ref r),
            MultipartType.PortDesc => PortDescRequest.Read(ref r),
            MultipartType.Experimenter => ExperimenterMultipartRequest.Read(ref r),
            _ => throw OfpDecodeException.BadRequest(BadRequestCode.BadMultipart, at, $"unknown multipart request type {(ushort)type}"),
        };
        r.ExpectEnd("MULTIPART_REQUEST");
        return new MultipartRequest { Xid = h.Xid, Flags = flags, Body = body };
    }
}

/// <summary>Base of the typed multipart request bodies.</summary>
public abstract record MultipartRequestBody
{
    public abstract MultipartType MultipartType { get; }

    /// <summary>Writes the body (after the 16-byte multipart header).</summary>
    public abstract void Write(ref OfpWriter w);
}
