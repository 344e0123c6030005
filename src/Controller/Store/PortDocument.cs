namespace Controller.Store;

/// <summary>LiteDB shape of a port (collection <c>ports</c>).</summary>
internal sealed class PortDocument
{
    public string Id { get; set; } = "";

    public string NetworkId { get; set; } = "";

    public string HostId { get; set; } = "";

    /// <summary>48-bit MAC in the low bits.</summary>
    public long Mac { get; set; }

    public string? Ip { get; set; }

    public string Name { get; set; } = "";
}
