using Controller.Switches;

namespace Controller.Api;

/// <summary>A connected switch; datapathId is 16 hex digits; hostId names the store's host with that datapath id, if any.</summary>
public sealed record SwitchResponse(
    string DatapathId,
    string RemoteAddress,
    IReadOnlyList<SwitchPortInfo> Ports,
    string Role,
    DateTimeOffset ConnectedSince,
    long MessagesIn,
    long MessagesOut,
    long Errors,
    string App,
    string? HostId);
