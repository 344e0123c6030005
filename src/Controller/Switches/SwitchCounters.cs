using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>Per-switch message counters by type; lock-free, updated from the I/O thread and senders.</summary>
public sealed class SwitchCounters
{
    private readonly long[] _in = new long[32];
    private readonly long[] _out = new long[32];
    private long _totalIn;
    private long _totalOut;
    private long _errors;
    private long _packetInsDropped;

    public long TotalIn => Interlocked.Read(ref _totalIn);

    public long TotalOut => Interlocked.Read(ref _totalOut);

    /// <summary>OFPT_ERRORs received plus undecodable messages received.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>PACKET_INs not answered because the switch was not reading or sent more than a burst's budget.</summary>
    public long PacketInsDropped => Interlocked.Read(ref _packetInsDropped);

    public long In(OfpType type) => (int)type < _in.Length ? Interlocked.Read(ref _in[(int)type]) : 0;

    public long Out(OfpType type) => (int)type < _out.Length ? Interlocked.Read(ref _out[(int)type]) : 0;

    internal void CountIn(OfpType type)
    {
        Interlocked.Increment(ref _totalIn);
        if ((int)type < _in.Length)
        {
            Interlocked.Increment(ref _in[(int)type]);
        }
    }

    internal void CountOut(OfpType type)
    {
        Interlocked.Increment(ref _totalOut);
        if ((int)type < _out.Length)
        {
            Interlocked.Increment(ref _out[(int)type]);
        }
    }

    internal void CountError() => Interlocked.Increment(ref _errors);

    internal void CountPacketInDropped() => Interlocked.Increment(ref _packetInsDropped);
}
