namespace OpenFlow.Packets;

/// <summary>EtherType values this library parses or builds.</summary>
public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Vlan = 0x8100;
    public const ushort Ipv6 = 0x86dd;
    public const ushort QinQ = 0x88a8;
    public const ushort Mpls = 0x8847;
    public const ushort MplsMulticast = 0x8848;
    public const ushort Lldp = 0x88cc;
}
