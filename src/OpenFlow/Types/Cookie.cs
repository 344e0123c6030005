using System.Globalization;

namespace OpenFlow;

/// <summary>
/// A flow cookie. By this controller's convention the high 16 bits name the owning app and the
/// low 48 bits are the app's own.
/// </summary>
public readonly record struct Cookie(ulong Value)
{
    public const ulong AppMask = 0xffff_0000_0000_0000UL;

    public static Cookie ForApp(ushort app, ulong local = 0) => new(((ulong)app << 48) | (local & 0x0000_ffff_ffff_ffffUL));

    public ushort App => (ushort)(Value >> 48);

    public ulong Local => Value & 0x0000_ffff_ffff_ffffUL;

    public override string ToString() => "0x" + Value.ToString("x", CultureInfo.InvariantCulture);
}
