namespace Integration.Tests.Harness;

/// <summary>One iperf3 TCP run: the receiver's rate and byte count, and the sender's TCP retransmits.</summary>
internal sealed record Iperf3Result(double BitsPerSecond, long BytesReceived, int Retransmits);
