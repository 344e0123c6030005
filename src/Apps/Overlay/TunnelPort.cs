using Apps.Model;

namespace Apps.Overlay;

/// <summary>A br-tun port recognised as a tunnel, and the host it leads to when that is known.</summary>
public sealed record TunnelPort(uint Number, string Name, TunnelType Type, string? ToHostId);
