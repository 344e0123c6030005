using System.Net;
using Apps.Model;

namespace Controller.Hosts;

/// <summary>The store as the OVSDB side sees it: find, register and update hosts; the current snapshot.</summary>
internal interface IHostInventory
{
    NetworkSnapshot Current { get; }

    /// <summary>Raised after every committed store change.</summary>
    event Action<NetworkSnapshot>? Changed;

    HostInfo? FindBySystemId(string systemId);

    /// <summary>Creates a host for an unknown system-id (auto-registration).</summary>
    HostInfo Register(string systemId, string name, IPAddress encapIp);

    /// <summary>Records br-tun's datapath id, learned from OVSDB.</summary>
    void SetDatapathId(string hostId, ulong datapathId);

    /// <summary>Follows the host's <c>ofc-encap-ip</c> when it changes.</summary>
    void SetTunnelIp(string hostId, IPAddress tunnelIp);
}
