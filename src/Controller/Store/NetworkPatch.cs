namespace Controller.Store;

/// <summary>Changes to a network; null fields are left as they are. <paramref name="Mtu"/> 0 clears the configured MTU.</summary>
public sealed record NetworkPatch(string? Name = null, int? Mtu = null);
