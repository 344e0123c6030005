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

    /// <summary>The port's IPv6 address in its compressed text form, or null (older documents have none).</summary>
    public string? Ipv6 { get; set; }

    public string Name { get; set; } = "";

    /// <summary>"network/mac": a unique index on it keeps MACs unique per network.</summary>
    public string NetworkAndMac { get; set; } = "";

    public static string KeyOf(string networkId, long mac) => networkId + "/" + mac.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
}
