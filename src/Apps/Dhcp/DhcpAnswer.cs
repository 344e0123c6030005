namespace Apps.Dhcp;

/// <summary>The responder's decision for one frame; <paramref name="Frame"/> is the reply to send back on the port it came from, if any.</summary>
/// <param name="PortId">The store port the client was identified as, when it was.</param>
public sealed record DhcpAnswer(DhcpOutcome Outcome, byte[]? Frame = null, string? PortId = null);
