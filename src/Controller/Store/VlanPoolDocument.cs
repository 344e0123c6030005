namespace Controller.Store;

/// <summary>LiteDB shape of a host's VLAN allocation bitmap (collection <c>vlanpools</c>, id = host id).</summary>
internal sealed class VlanPoolDocument
{
    public string Id { get; set; } = "";

    /// <summary>Bit v set means VLAN v is in use; <see cref="VlanPool.Size"/> bytes.</summary>
    public byte[] Bits { get; set; } = [];
}
