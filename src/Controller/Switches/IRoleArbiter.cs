using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>
/// Decides, per switch, which OpenFlow role this controller holds and whether it may write to the switch
/// (FLOW_MOD, GROUP_MOD, PACKET_OUT and the other state-changing messages). Registered only in a cluster
/// (<c>Cluster:Enabled</c>); without one every session asks for master with a clock-seeded generation id
/// and writes freely, as a single controller always did. Every method is cheap and non-blocking: sessions
/// call them on their event loop.
/// </summary>
public interface IRoleArbiter
{
    /// <summary>The role and generation id to request now (NoChange while nobody masters the switch yet).</summary>
    (ControllerRole Role, ulong GenerationId) RoleFor(DatapathId datapathId);

    /// <summary>True while this controller holds the switch's mastership and its lease is locally known to be live.</summary>
    bool MayWrite(DatapathId datapathId);

    /// <summary>A state-changing message was not sent because <see cref="MayWrite"/> said no.</summary>
    void WriteSuppressed(DatapathId datapathId, OfpType type);

    /// <summary>The switch refused a write or a role request (OFPBRC_IS_SLAVE, OFPRRFC_STALE).</summary>
    void WriteRefused(DatapathId datapathId, ErrorMessage error);
}
