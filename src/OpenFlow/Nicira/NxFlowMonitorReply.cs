using System.Collections.Immutable;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// A flow monitor reply or asynchronous update (ONFST_FLOW_MONITOR reply on OpenFlow 1.3): an
/// OFPMP_EXPERIMENTER multipart reply with the ONF experimenter id and exp_type 1870, carrying
/// <see cref="NxFlowUpdate"/> entries.
/// </summary>
/// <remarks>
/// <code>
/// multipart header(16, type 0xffff) | experimenter(4)=0x4f4e4600 | exp_type(4)=1870 | updates...
/// </code>
/// The reply to the request has the request's xid (and lists the initial flows when asked);
/// changes made later arrive as unsolicited replies with xid 0. OVS sends the updates for a
/// change before the BARRIER_REPLY of a barrier that follows it.
/// </remarks>
public sealed record NxFlowMonitorReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.Experimenter;

    public ImmutableArray<NxFlowUpdate> Updates { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(OfpConstants.OnfExperimenter);
        w.WriteUInt32(NxFlowMonitorRequest.ExpType);
        foreach (var u in Updates)
        {
            u.Write(ref w);
        }
    }

    internal static NxFlowMonitorReply ReadBody(ref OfpReader r) =>
        new() { Updates = EntryList.ReadLengthPrefixed(ref r, 0, NxFlowUpdateAbbrev.Size, NxFlowUpdate.Read, "flow update") };

    public bool Equals(NxFlowMonitorReply? other) => other is not null && EntryList.Equal(Updates, other.Updates);

    public override int GetHashCode() => EntryList.Hash(Updates);
}
