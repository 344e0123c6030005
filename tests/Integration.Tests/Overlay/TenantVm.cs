using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>A VM declared over REST: the harness VM, its port id, the local VLAN REST gave it, and its MAC.</summary>
internal sealed record TenantVm(Vm Vm, string PortId, string NetworkId, int Vlan, string Mac)
{
    public string Ip => Vm.Ip;

    public OvsHypervisor Host => Vm.Host;
}
