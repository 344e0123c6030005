namespace OfBench;

/// <summary>What the emulated switches do once their handshake is complete.</summary>
internal enum BenchMode
{
    /// <summary>Keep a bounded window of PACKET_INs in flight per switch (cbench "throughput").</summary>
    Throughput,

    /// <summary>Exactly one PACKET_IN outstanding per switch; the next goes when it is answered (cbench "latency").</summary>
    Latency,

    /// <summary>Only handshake and answer echoes: measures connect time and the controller's cost per switch.</summary>
    Scale,
}
