namespace OpenFlow.Protocol;

/// <summary>Reserved port numbers (<c>enum ofp_port_no</c>).</summary>
public static class OfpPort
{
    public const uint Max = 0xffffff00;
    public const uint InPort = 0xfffffff8;
    public const uint Table = 0xfffffff9;
    public const uint Normal = 0xfffffffa;
    public const uint Flood = 0xfffffffb;
    public const uint All = 0xfffffffc;
    public const uint Controller = 0xfffffffd;
    public const uint Local = 0xfffffffe;
    public const uint Any = 0xffffffff;
}

/// <summary>Well-known constants of the OpenFlow 1.3 wire format.</summary>
public static class OfpConstants
{
    /// <summary>The wire version of OpenFlow 1.3.</summary>
    public const byte Version = 0x04;

    public const int HeaderLength = 8;

    public const int MaxMessageLength = 0xffff;

    /// <summary>OFP_NO_BUFFER: the packet is not buffered on the switch.</summary>
    public const uint NoBuffer = 0xffffffff;

    /// <summary>OFPTT_ALL: every table.</summary>
    public const byte AllTables = 0xff;

    /// <summary>OFPG_ANY / OFPG_ALL.</summary>
    public const uint GroupAny = 0xffffffff;
    public const uint GroupAll = 0xfffffffc;

    /// <summary>OFPCML_NO_BUFFER: send the whole packet to the controller.</summary>
    public const ushort ControllerMaxLenNoBuffer = 0xffff;

    /// <summary>Nicira's experimenter id (NX_VENDOR_ID).</summary>
    public const uint NiciraExperimenter = 0x00002320;

    /// <summary>The ONF experimenter id (used by the bundle extension on OpenFlow 1.3).</summary>
    public const uint OnfExperimenter = 0x4f4e4600;
}
