using System.Collections.Immutable;

namespace Apps.Plumbing;

/// <summary>
/// How the controller wants every OVSDB-managed host plumbed: the bridge and patch port names
/// (Neutron's by default), the datapath type, the OpenFlow controller targets and the underlay MTU.
/// </summary>
public sealed record PlumbingSettings
{
    private readonly ImmutableArray<string> _controllerTargets = [];

    public string IntegrationBridge { get; init; } = "br-int";

    public string TunnelBridge { get; init; } = "br-tun";

    /// <summary>The patch port on br-int that leads to br-tun.</summary>
    public string PatchTunPort { get; init; } = "patch-tun";

    /// <summary>The patch port on br-tun that leads to br-int.</summary>
    public string PatchIntPort { get; init; } = "patch-int";

    /// <summary><c>Bridge.datapath_type</c> (<c>netdev</c>, <c>system</c>); null leaves OVS's default or what the host has.</summary>
    public string? DatapathType { get; init; }

    /// <summary>OpenFlow controller targets for both bridges, e.g. <c>tcp:192.168.77.100:6653</c>.</summary>
    public ImmutableArray<string> ControllerTargets
    {
        get => _controllerTargets;
        init => _controllerTargets = value.IsDefault ? [] : value;
    }

    /// <summary>MTU of the underlay network that carries the tunnels, for hosts that do not set their own.</summary>
    public int UnderlayMtu { get; init; } = NetworkMtu.DefaultUnderlayMtu;

    public bool Equals(PlumbingSettings? other) =>
        other is not null
        && IntegrationBridge == other.IntegrationBridge
        && TunnelBridge == other.TunnelBridge
        && PatchTunPort == other.PatchTunPort
        && PatchIntPort == other.PatchIntPort
        && DatapathType == other.DatapathType
        && UnderlayMtu == other.UnderlayMtu
        && ControllerTargets.SequenceEqual(other.ControllerTargets);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(IntegrationBridge);
        h.Add(TunnelBridge);
        h.Add(PatchTunPort);
        h.Add(PatchIntPort);
        h.Add(DatapathType);
        h.Add(UnderlayMtu);
        foreach (var t in ControllerTargets)
        {
            h.Add(t);
        }

        return h.ToHashCode();
    }
}
