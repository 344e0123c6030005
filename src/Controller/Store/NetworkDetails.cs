namespace Controller.Store;

/// <summary>A network as the store keeps it: the snapshot's <see cref="Apps.Model.NetworkInfo"/> plus its optional prefix.</summary>
public sealed record NetworkDetails(Apps.Model.NetworkInfo Network, string? Cidr);
