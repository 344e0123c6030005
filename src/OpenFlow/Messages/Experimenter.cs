using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_EXPERIMENTER (<c>struct ofp_experimenter_header</c>) that this library does not decode further.</summary>
/// <remarks>
/// <code>
/// header(8) | experimenter(4) | exp_type(4) | data...
/// </code>
/// The ONF bundle messages (experimenter 0x4f4e4600, exp_type 2300/2301) decode to
/// <see cref="BundleControl"/> and <see cref="BundleAdd"/> instead, ONFT_ROLE_STATUS (1911) to
/// <see cref="RoleStatus"/>, and OVS's OpenFlow 1.3 flow monitor messages (exp_type 1870/1871/1872) to
/// <see cref="Nicira.NxFlowMonitorCancel"/>, <see cref="Nicira.NxFlowMonitorPaused"/> and
/// <see cref="Nicira.NxFlowMonitorResumed"/>.
/// </remarks>
public sealed record ExperimenterMessage : OfpMessage
{
    public override OfpType Type => OfpType.Experimenter;

    public uint Experimenter { get; init; }

    public uint ExpType { get; init; }

    public Octets Data { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(Experimenter);
        writer.WriteUInt32(ExpType);
        writer.WriteBytes(Data.Span);
    }

    /// <summary>Dispatches on experimenter id and type.</summary>
    public static OfpMessage Read(ref OfpReader r, in OfpHeader h)
    {
        var experimenter = r.ReadUInt32();
        var expType = r.ReadUInt32();
        if (experimenter == OfpConstants.OnfExperimenter)
        {
            switch (expType)
            {
                case BundleControl.ExpType:
                    return BundleControl.ReadBody(ref r, h);
                case BundleAdd.ExpType:
                    return BundleAdd.ReadBody(ref r, h);
                case Nicira.NxFlowMonitorCancel.ExpType:
                    return Nicira.NxFlowMonitorCancel.ReadBody(ref r, h);
                case Nicira.NxFlowMonitorPaused.ExpType:
                    return Nicira.NxFlowMonitorPaused.ReadBody(ref r, h);
                case Nicira.NxFlowMonitorResumed.ExpType:
                    return Nicira.NxFlowMonitorResumed.ReadBody(ref r, h);
                case RoleStatus.ExpType:
                    return RoleStatus.ReadBody(ref r, h);
            }
        }

        return new ExperimenterMessage { Xid = h.Xid, Experimenter = experimenter, ExpType = expType, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
}
