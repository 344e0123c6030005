namespace Integration.Tests.Harness;

/// <summary>A tenant network on one host: its deployment-wide tunnel key and this host's local VLAN for it.</summary>
internal sealed record TenantSegment(uint TunnelId, int LocalVlan);
