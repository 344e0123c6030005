namespace Integration.Tests.Harness;

public enum TunnelType
{
    Vxlan,
    Gre,
}
