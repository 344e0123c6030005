using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Why a switch sent a role status (<c>enum ofp14_controller_role_reason</c>).</summary>
public enum RoleStatusReason : byte
{
    /// <summary>Another controller asked to be master: this one was demoted to slave.</summary>
    MasterRequest = 0,
    Config = 1,
    Experimenter = 2,
}

/// <summary>
/// ONF extension on OpenFlow 1.3, ONFT_ROLE_STATUS: the switch tells a controller that its role changed
/// (OVS sends it to the old master when another controller becomes master). The body is OpenFlow 1.4's
/// <c>struct ofp14_role_status</c>.
/// </summary>
/// <remarks>
/// <code>
/// header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=1911 | role(4) | reason(1) | pad(3)
/// | generation_id(8) | properties...
/// </code>
/// <c>ovs-ofctl ofp-print</c> shows it as <c>ONFT_ROLE_STATUS (OF1.3)</c>. Properties are kept verbatim.
/// </remarks>
public sealed record RoleStatus : OfpMessage
{
    public const uint ExpType = 1911;

    public override OfpType Type => OfpType.Experimenter;

    public ControllerRole Role { get; init; }

    public RoleStatusReason Reason { get; init; }

    public ulong GenerationId { get; init; }

    public Octets Properties { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
        writer.WriteUInt32((uint)Role);
        writer.WriteUInt8((byte)Reason);
        writer.WriteZeros(3);
        writer.WriteUInt64(GenerationId);
        writer.WriteBytes(Properties.Span);
    }

    internal static RoleStatus ReadBody(ref OfpReader r, in OfpHeader h)
    {
        var role = (ControllerRole)r.ReadUInt32();
        var reason = (RoleStatusReason)r.ReadUInt8();
        r.Skip(3);
        var generation = r.ReadUInt64();
        return new RoleStatus { Xid = h.Xid, Role = role, Reason = reason, GenerationId = generation, Properties = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
}
