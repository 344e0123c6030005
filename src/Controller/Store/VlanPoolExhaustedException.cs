namespace Controller.Store;

/// <summary>All local VLANs 1..4094 of a host are taken, so it cannot carry another network (REST: 409).</summary>
public sealed class VlanPoolExhaustedException : StoreConflictException
{
    public VlanPoolExhaustedException(string hostId)
        : base($"Host '{hostId}' has no free local VLAN: all of 1..{VlanPool.MaxVlan} are in use by other networks.", "hostId")
    {
        HostId = hostId;
    }

    public string HostId { get; }
}
