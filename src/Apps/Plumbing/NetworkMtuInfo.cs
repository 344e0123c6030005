namespace Apps.Plumbing;

/// <summary>A network's MTUs: what its VMs get, the most its hosts allow, and what the operator configured (null: none).</summary>
public sealed record NetworkMtuInfo(int Effective, int Max, int? Configured);
