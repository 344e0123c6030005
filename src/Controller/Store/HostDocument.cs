namespace Controller.Store;

/// <summary>LiteDB shape of a host (collection <c>hosts</c>).</summary>
internal sealed class HostDocument
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The 64-bit datapath id, reinterpreted as signed because BSON has no unsigned integer.</summary>
    public long DatapathId { get; set; }

    public string TunnelIp { get; set; } = "";
}
