namespace OpenFlow;

/// <summary>
/// An OXM VLAN_VID value. It owns the OFPVID_PRESENT bit (0x1000): a tagged VLAN id 1..4094 is
/// encoded as <c>0x1000 | vid</c>, and "no VLAN" is <c>0x0000</c> (OFPVID_NONE).
/// </summary>
public readonly record struct VlanVid
{
    public const ushort PresentBit = 0x1000;

    private VlanVid(ushort raw)
    {
        Raw = raw;
    }

    /// <summary>The 13-bit OXM value including OFPVID_PRESENT.</summary>
    public ushort Raw { get; }

    public bool IsPresent => (Raw & PresentBit) != 0;

    /// <summary>The 12-bit VLAN id.</summary>
    public ushort Id => (ushort)(Raw & 0x0fff);

    public static VlanVid None { get; } = new(0);

    /// <summary>A tagged VLAN; <paramref name="id"/> must be 0..4095.</summary>
    public static VlanVid Tagged(ushort id) =>
        id <= 0x0fff ? new VlanVid((ushort)(PresentBit | id)) : throw new ArgumentOutOfRangeException(nameof(id), id, "VLAN id is 12 bits");

    public static VlanVid FromRaw(ushort raw) => new((ushort)(raw & 0x1fff));

    public override string ToString() => IsPresent ? Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
}
