using OpenFlow;

namespace Apps.Tests.Fakes;

/// <summary>
/// The header fields the br-tun pipeline looks at. <see cref="Vlan"/> is the 12-bit VLAN id of an
/// 802.1Q tag, or null when the frame is untagged.
/// </summary>
internal sealed record FakePacket(uint InPort, MacAddress EthSrc, MacAddress EthDst, ushort? Vlan = null, ulong TunId = 0, FakeArp? Arp = null)
{
    /// <summary>0x0806 for an ARP frame, otherwise IPv4 (the only other kind the tests send).</summary>
    public ushort EthType => Arp is null ? (ushort)0x0800 : (ushort)0x0806;

    /// <summary>The OXM VLAN_VID value: OFPVID_PRESENT | vid, or 0 when untagged.</summary>
    public ushort VlanVidRaw => Vlan is { } v ? (ushort)(VlanVid.PresentBit | v) : (ushort)0;

    /// <summary>The 16-bit 802.1Q TCI as NXM_OF_VLAN_TCI sees it (CFI bit 0x1000 set when tagged).</summary>
    public ushort VlanTci => VlanVidRaw;
}
