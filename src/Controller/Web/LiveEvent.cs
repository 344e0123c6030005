namespace Controller.Web;

/// <summary>
/// One server-sent event of GET /api/v1/events. <see cref="Kind"/> is <c>hello</c> (first event of a
/// stream), <c>store</c> (a write was committed; tenant writes
/// publish no snapshot, so their version is unchanged), <c>switch-connected</c>, <c>switch-disconnected</c>,
/// <c>switch-ports</c> or <c>ping</c> (keep-alive). <see cref="Version"/> is the store snapshot version at
/// the time; <see cref="DatapathId"/> (16 hex digits) is set for the switch kinds. <see cref="Dropped"/> is how
/// many events this stream has lost so far because its client read too slowly: the client refetches on any
/// event, so a lost one costs nothing but the count.
/// </summary>
public sealed record LiveEvent(string Kind, long Version, string? DatapathId, long Dropped = 0);
