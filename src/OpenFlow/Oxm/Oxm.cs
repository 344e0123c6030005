namespace OpenFlow.Oxm;

/// <summary>Typed constructors for the OXM fields the apps use.</summary>
public static class Oxm
{
    private static OxmField Basic(OxmBasic f, ulong v, int bytes, ulong? mask = null) =>
        new(OxmClass.OpenFlowBasic, (byte)f, OxmField.BigEndian(v, bytes), mask is { } m ? OxmField.BigEndian(m, bytes) : (Octets?)null);

    public static OxmField InPort(uint port) => Basic(OxmBasic.InPort, port, 4);

    public static OxmField Metadata(ulong value, ulong? mask = null) => Basic(OxmBasic.Metadata, value, 8, mask);

    public static OxmField EthDst(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.EthDst, mac.Value, 6, mask?.Value);

    public static OxmField EthSrc(MacAddress mac, MacAddress? mask = null) => Basic(OxmBasic.EthSrc, mac.Value, 6, mask?.Value);

    public static OxmField EthType(ushort type) => Basic(OxmBasic.EthType, type, 2);

    public static OxmField VlanVid(VlanVid vid, ushort? mask = null) => Basic(OxmBasic.VlanVid, vid.Raw, 2, mask);

    public static OxmField TunnelId(ulong id, ulong? mask = null) => Basic(OxmBasic.TunnelId, id, 8, mask);
}
