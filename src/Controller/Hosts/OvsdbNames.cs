namespace Controller.Hosts;

/// <summary>Vswitch schema names the host reconciler uses, and the ownership mark it writes.</summary>
internal static class OvsdbNames
{
    public const string Database = "Open_vSwitch";

    /// <summary>
    /// <c>external_ids</c> key on every Bridge, Port, Interface and Controller row the controller created
    /// or adopted; its value is <see cref="OwnerValue"/>. Only rows with this mark are ever changed or
    /// deleted (VM ports' tag and mtu_request excepted: binding them is the point).
    /// </summary>
    public const string OwnerKey = "ofc-owner";

    public const string OwnerValue = "ofcontroller";

    /// <summary><c>Open_vSwitch.external_ids</c> key with the host's underlay IP (as OVN's ovn-encap-ip).</summary>
    public const string EncapIpKey = "ofc-encap-ip";

    public const string SystemIdKey = "system-id";

    public const string HostnameKey = "hostname";

    public const string IfaceIdKey = "iface-id";

    public const string AttachedMacKey = "attached-mac";

    public const string RootTable = "Open_vSwitch";
    public const string BridgeTable = "Bridge";
    public const string PortTable = "Port";
    public const string InterfaceTable = "Interface";
    public const string ControllerTable = "Controller";

    public const string Name = "name";
    public const string ExternalIds = "external_ids";
    public const string Bridges = "bridges";
    public const string Ports = "ports";
    public const string Interfaces = "interfaces";
    public const string FailMode = "fail_mode";
    public const string Protocols = "protocols";
    public const string ControllerColumn = "controller";
    public const string DatapathType = "datapath_type";
    public const string DatapathId = "datapath_id";
    public const string Tag = "tag";
    public const string InterfaceType = "type";
    public const string Options = "options";
    public const string MtuRequest = "mtu_request";
    public const string OfPort = "ofport";
    public const string Target = "target";
    public const string MaxBackoff = "max_backoff";

    /// <summary>Reconnect back-off cap on our Controller rows (OVS's default climbs to 8 s).</summary>
    public const int MaxBackoffMs = 1000;
}
