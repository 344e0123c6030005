using System.Net;
using Apps.Model;
using Controller.Store;

namespace Controller.Hosts;

/// <summary><see cref="IHostInventory"/> over the tenant store.</summary>
internal sealed class TenantStoreHostInventory(TenantStore store) : IHostInventory
{
    public NetworkSnapshot Current => store.Current;

    public event Action<NetworkSnapshot>? Changed
    {
        add => store.Changed += value;
        remove => store.Changed -= value;
    }

    public HostInfo? FindBySystemId(string systemId) => store.FindHostBySystemId(systemId);

    public HostInfo Register(string systemId, string name, IPAddress encapIp) => store.RegisterHost(systemId, name, encapIp);

    public void SetDatapathId(string hostId, ulong datapathId) => store.SetLearnedDatapathId(hostId, datapathId);

    public void SetTunnelIp(string hostId, IPAddress tunnelIp) => store.UpdateHost(hostId, new HostPatch(TunnelIp: tunnelIp));
}
