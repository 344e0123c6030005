using OpenFlow;

namespace Apps.Flows;

/// <summary>
/// Names an app and owns the high 16 bits of the cookies of every flow the app asks for, so that
/// the reconciler can tell the app's flows from anybody else's.
/// </summary>
public readonly record struct AppId(ushort Value, string Name)
{
    /// <summary>The br-tun overlay pipeline.</summary>
    public static AppId BrTun { get; } = new(0x0b70, "br-tun");

    /// <summary>The integration bridge (br-int): OVS NORMAL switching over access-port tags.</summary>
    public static AppId BrInt { get; } = new(0x0b17, "br-int");

    /// <summary>The plain MAC-learning switch.</summary>
    public static AppId L2Learning { get; } = new(0x0b12, "l2-learning");

    /// <summary>The cookie prefix of this app (<c>Value &lt;&lt; 48</c>); use with <see cref="Cookie.AppMask"/>.</summary>
    public ulong CookiePrefix => (ulong)Value << 48;

    public Cookie Cookie(ulong local = 0) => OpenFlow.Cookie.ForApp(Value, local);

    /// <summary>True when <paramref name="cookie"/> carries this app's prefix.</summary>
    public bool Owns(Cookie cookie) => cookie.App == Value;

    public override string ToString() => $"{Name}(0x{Value:x4})";
}
