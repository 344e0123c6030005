namespace Apps.Tests.Fakes;

/// <summary>A packet leaving the switch on <paramref name="Port"/>, as it looked at that moment.</summary>
internal sealed record FakeOutput(uint Port, FakePacket Packet);
