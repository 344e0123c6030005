using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// NXT_FLOW_MONITOR_CANCEL as OVS takes it on OpenFlow 1.3 (ONFT_FLOW_MONITOR_CANCEL, exp_type 1870):
/// stops the monitor with <see cref="Id"/>; the switch sends no reply.
/// </summary>
/// <remarks>
/// <code>
/// header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=1870 | id(4)
/// </code>
/// </remarks>
public sealed record NxFlowMonitorCancel : OfpMessage
{
    public const uint ExpType = 1870;

    public override OfpType Type => OfpType.Experimenter;

    public uint Id { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
        writer.WriteUInt32(Id);
    }

    internal static NxFlowMonitorCancel ReadBody(ref OfpReader r, in OfpHeader h)
    {
        var id = r.ReadUInt32();
        r.ExpectEnd("FLOW_MONITOR_CANCEL");
        return new NxFlowMonitorCancel { Xid = h.Xid, Id = id };
    }
}

/// <summary>
/// NXT_FLOW_MONITOR_PAUSED (ONFT 1871 on OpenFlow 1.3): the switch's notification buffer is full;
/// until <see cref="NxFlowMonitorResumed"/> the controller's view from updates is incomplete.
/// </summary>
/// <remarks><c>header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=1871</c></remarks>
public sealed record NxFlowMonitorPaused : OfpMessage
{
    public const uint ExpType = 1871;

    public override OfpType Type => OfpType.Experimenter;

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
    }

    internal static NxFlowMonitorPaused ReadBody(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("FLOW_MONITOR_PAUSED");
        return new NxFlowMonitorPaused { Xid = h.Xid };
    }
}

/// <summary>
/// NXT_FLOW_MONITOR_RESUMED (ONFT 1872 on OpenFlow 1.3): the buffer has drained and the updates
/// missed while paused have been sent; the view is complete again.
/// </summary>
/// <remarks><c>header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=1872</c></remarks>
public sealed record NxFlowMonitorResumed : OfpMessage
{
    public const uint ExpType = 1872;

    public override OfpType Type => OfpType.Experimenter;

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
    }

    internal static NxFlowMonitorResumed ReadBody(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("FLOW_MONITOR_RESUMED");
        return new NxFlowMonitorResumed { Xid = h.Xid };
    }
}
