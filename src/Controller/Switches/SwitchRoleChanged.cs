using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// The role the switch grants this controller changed (a ROLE_REPLY to a later ROLE_REQUEST, or the switch's
/// own ONFT_ROLE_STATUS when another controller became master).
/// </summary>
public sealed record SwitchRoleChanged(ISwitchConnection Connection, ControllerRole Role, ulong GenerationId) : SwitchEvent(Connection.DatapathId);
