namespace OpenFlow.Matching;

/// <summary>Field numbers of Nicira's NXM_1 class (0x0001) that this library names.</summary>
public static class NxmField
{
    /// <summary>NXM_NX_REG0; REGn is field n (0..15).</summary>
    public const byte Reg0 = 0;
    public const byte TunId = 16;
    public const byte ArpSha = 17;
    public const byte ArpTha = 18;
    public const byte Ipv6Src = 19;
    public const byte Ipv6Dst = 20;
    public const byte IpFrag = 26;
    public const byte IpTtl = 29;
    public const byte TunIpv4Src = 31;
    public const byte TunIpv4Dst = 32;
    public const byte PktMark = 33;
    public const byte TcpFlags = 34;
}
