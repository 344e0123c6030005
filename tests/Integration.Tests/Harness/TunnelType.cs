namespace Integration.Tests.Harness;

public enum TunnelType
{
    Vxlan,
    Gre,
    Geneve,
}

internal static class TunnelTypeNames
{
    /// <summary>The OVS interface type and the REST tunnelType value.</summary>
    public static string Name(this TunnelType type) => type switch
    {
        TunnelType.Vxlan => "vxlan",
        TunnelType.Gre => "gre",
        _ => "geneve",
    };
}
