using System.Collections.Immutable;

namespace Apps.Plumbing;

/// <summary>
/// The desired OVSDB configuration of one host: the bridges it must have (br-int then br-tun)
/// and the tag/MTU of every observed VM interface (ordered by port name).
/// </summary>
public sealed record HostPlumbing(ImmutableArray<BridgeSpec> Bridges, ImmutableArray<PortBinding> Bindings)
{
    /// <summary>Neutron's dead VLAN: OVS drops traffic of an access port tagged with it (br-int flows do too).</summary>
    public const ushort DeadVlan = 4095;

    /// <summary><c>external_ids</c> key that marks rows the controller created and owns.</summary>
    public const string OwnerKey = "ofc-owner";

    public bool Equals(HostPlumbing? other) =>
        other is not null && Bridges.SequenceEqual(other.Bridges) && Bindings.SequenceEqual(other.Bindings);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var b in Bridges)
        {
            h.Add(b);
        }

        foreach (var b in Bindings)
        {
            h.Add(b);
        }

        return h.ToHashCode();
    }
}
