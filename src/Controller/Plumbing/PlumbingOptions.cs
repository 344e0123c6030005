using System.ComponentModel.DataAnnotations;
using Apps.Plumbing;

namespace Controller.Plumbing;

/// <summary>
/// Configuration section <c>Plumbing</c>: how hosts managed over OVSDB are plumbed, and the underlay MTU of
/// hosts that set none of their own, from which networks' MTUs follow (<see cref="NetworkMtu.Of"/>: REST
/// <c>mtu</c>, DHCP option 26, <c>mtu_request</c> on VM ports).
/// </summary>
public sealed class PlumbingOptions
{
    public const string SectionName = "Plumbing";

    /// <summary>MTU of the underlay that carries the tunnels, for hosts whose REST <c>underlayMtu</c> is unset.</summary>
    [Range(NetworkMtu.MinUnderlayMtu, NetworkMtu.MaxUnderlayMtu)]
    public int UnderlayMtu { get; set; } = NetworkMtu.DefaultUnderlayMtu;

    [Required(AllowEmptyStrings = false)]
    [RegularExpression(PortNamePattern)]
    public string IntegrationBridge { get; set; } = "br-int";

    [Required(AllowEmptyStrings = false)]
    [RegularExpression(PortNamePattern)]
    public string TunnelBridge { get; set; } = "br-tun";

    /// <summary>The patch port on br-int leading to br-tun; a bridge that has it is programmed as an integration bridge.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(PortNamePattern)]
    public string PatchTunPort { get; set; } = "patch-tun";

    /// <summary>The patch port on br-tun leading to br-int.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(PortNamePattern)]
    public string PatchIntPort { get; set; } = "patch-int";

    /// <summary><c>Bridge.datapath_type</c> for the bridges the controller creates (<c>netdev</c>, <c>system</c>); unset leaves OVS's default.</summary>
    [RegularExpression("^[a-z]{1,32}$")]
    public string? DatapathType { get; set; }

    /// <summary>
    /// OpenFlow controller targets set on both bridges (<c>tcp:192.168.77.100:6653</c>); empty means the
    /// address on which the host's OVSDB connection reached the controller.
    /// </summary>
    public List<string> ControllerTargets { get; } = [];

    /// <summary>An OVS interface name: 1..15 characters (IFNAMSIZ less the NUL), no blanks, '/' or control characters.</summary>
    private const string PortNamePattern = @"^[^\s/\x00-\x1f]{1,15}$";

    public PlumbingSettings ToSettings() => new()
    {
        UnderlayMtu = UnderlayMtu,
        IntegrationBridge = IntegrationBridge,
        TunnelBridge = TunnelBridge,
        PatchTunPort = PatchTunPort,
        PatchIntPort = PatchIntPort,
        DatapathType = DatapathType,
        ControllerTargets = [.. ControllerTargets],
    };
}
