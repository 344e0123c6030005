using Ovsdb.Data;

namespace Ovsdb.Rpc;

/// <summary>An <c>update</c> notification: the monitor it belongs to and the changes, in server order.</summary>
public sealed record MonitorUpdate(string MonitorId, TableUpdates Updates);
