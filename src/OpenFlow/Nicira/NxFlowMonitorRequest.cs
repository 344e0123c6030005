using System.Collections.Immutable;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// The flow monitor request (Nicira's NXST_FLOW_MONITOR) as Open vSwitch 3.x takes it on OpenFlow
/// 1.3: an OFPMP_EXPERIMENTER multipart request with the ONF experimenter id and exp_type 1870
/// (ONFST_FLOW_MONITOR), carrying one or more <see cref="NxFlowMonitorEntry"/>.
/// </summary>
/// <remarks>
/// <code>
/// multipart header(16, type 0xffff) | experimenter(4)=0x4f4e4600 | exp_type(4)=1870 | entries...
/// </code>
/// OVS accepts the Nicira vendor form (experimenter 0x2320, NXST type 2, NXM match) only on
/// OpenFlow 1.0-1.2 (OVS 3.1 answers it on 1.3 with OFPBRC_BAD_SUBTYPE, checked here); on 1.3 the
/// same monitor uses this ONF form with an OXM match and 32-bit
/// out_port (OVS <c>include/openvswitch/ofp-msgs.h</c>, <c>lib/ofp-monitor.c</c>). The reply has
/// the request's xid; later changes arrive as further replies with xid 0.
/// </remarks>
public sealed record NxFlowMonitorRequest : MultipartRequestBody
{
    public const uint ExpType = 1870;

    public override MultipartType MultipartType => MultipartType.Experimenter;

    public ImmutableArray<NxFlowMonitorEntry> Monitors { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt32(OfpConstants.OnfExperimenter);
        w.WriteUInt32(ExpType);
        foreach (var m in Monitors)
        {
            m.Write(ref w);
        }
    }

    /// <summary>Reads the entries after experimenter and exp_type.</summary>
    internal static NxFlowMonitorRequest ReadBody(ref OfpReader r)
    {
        var list = ImmutableArray.CreateBuilder<NxFlowMonitorEntry>();
        while (!r.IsEmpty)
        {
            list.Add(NxFlowMonitorEntry.Read(ref r));
        }

        return new NxFlowMonitorRequest { Monitors = list.ToImmutable() };
    }

    public bool Equals(NxFlowMonitorRequest? other) => other is not null && EntryList.Equal(Monitors, other.Monitors);

    public override int GetHashCode() => EntryList.Hash(Monitors);
}
