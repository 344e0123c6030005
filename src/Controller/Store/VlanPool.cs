namespace Controller.Store;

/// <summary>
/// Lowest-free allocation over a bitmap of VLAN ids 1..4094 (0 and 4095 are reserved by 802.1Q).
/// A bitmap keeps allocation one document read and write, however many networks a host carries.
/// </summary>
internal static class VlanPool
{
    public const ushort MinVlan = 1;
    public const ushort MaxVlan = 4094;
    public const int Size = 4096 / 8;

    /// <summary>Marks and returns the lowest free VLAN, or null when all are taken.</summary>
    public static ushort? Allocate(byte[] bits)
    {
        for (var v = MinVlan; v <= MaxVlan; v++)
        {
            var mask = (byte)(1 << (v & 7));
            if ((bits[v >> 3] & mask) == 0)
            {
                bits[v >> 3] |= mask;
                return v;
            }
        }

        return null;
    }

    public static void Free(byte[] bits, int vlan) => bits[vlan >> 3] &= (byte)~(1 << (vlan & 7));
}
