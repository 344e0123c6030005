namespace Controller.Store;

/// <summary>The store's collections; their names are the LiteDB collection names and the etcd key segments.</summary>
internal enum StoreCollection
{
    Tenants,
    Networks,
    Hosts,
    Ports,
    TunnelPorts,
    LocalVlans,
    VlanPools,
}
