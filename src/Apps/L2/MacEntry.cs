namespace Apps.L2;

/// <summary>Where a MAC address was last seen.</summary>
public readonly record struct MacEntry(uint Port, DateTimeOffset LastSeen);
