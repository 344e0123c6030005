namespace Integration.Tests.Harness;

/// <summary>Who plumbs a hypervisor's bridges.</summary>
internal enum HostPlumbing
{
    /// <summary>The harness creates br-int, br-tun and the patch ports (as an operator did by hand).</summary>
    Manual,

    /// <summary>Only br-phy (the underlay) exists; the controller creates the rest over OVSDB.</summary>
    Ovsdb,
}
