namespace OpenFlow.Packets;

/// <summary>An 802.1Q tag: TPID (0x8100, or 0x88a8 for an 802.1ad outer tag) and the TCI fields.</summary>
public readonly record struct VlanTag(ushort Tpid, byte Pcp, bool Dei, ushort Vid)
{
    public static VlanTag Dot1Q(ushort vid, byte pcp = 0) => new(EtherType.Vlan, pcp, false, vid);

    /// <summary>The 16-bit tag control information.</summary>
    public ushort Tci => (ushort)((Pcp << 13) | (Dei ? 0x1000 : 0) | (Vid & 0x0fff));

    public static VlanTag FromTci(ushort tpid, ushort tci) => new(tpid, (byte)(tci >> 13), (tci & 0x1000) != 0, (ushort)(tci & 0x0fff));
}
