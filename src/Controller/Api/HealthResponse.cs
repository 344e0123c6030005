namespace Controller.Api;

/// <summary>Body of /healthz.</summary>
public sealed record HealthResponse(string Status, long SnapshotVersion);
