namespace Controller.Store;

/// <summary>LiteDB shape of a (host, network) -> local VLAN binding (collection <c>localvlans</c>, id "host/network").</summary>
internal sealed class LocalVlanDocument
{
    public string Id { get; set; } = "";

    public string HostId { get; set; } = "";

    public string NetworkId { get; set; } = "";

    public int Vlan { get; set; }

    public static string KeyOf(string hostId, string networkId) => hostId + "/" + networkId;
}
