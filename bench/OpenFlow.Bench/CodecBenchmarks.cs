using BenchmarkDotNet.Attributes;
using OpenFlow.Messages;
using OpenFlow.Wire;

namespace OpenFlow.Bench;

/// <summary>Encode and decode cost of the controller's hot messages (one operation = one message).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly byte[] _buffer = new byte[65536];
    private FlowMod _brTun = null!;
    private FlowMod _learn = null!;
    private byte[] _brTunBytes = null!;
    private byte[] _learnBytes = null!;
    private byte[] _packetIn = null!;
    private PacketIn _packetInMessage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _brTun = Samples.BrTunFloodFlowMod();
        _learn = Samples.LearnFlowMod();
        _brTunBytes = MessageCodec.Encode(_brTun);
        _learnBytes = MessageCodec.Encode(_learn);
        _packetIn = Samples.PacketIn64();
        _packetInMessage = (PacketIn)MessageCodec.Decode(_packetIn);
    }

    [Benchmark]
    public int EncodeBrTunFlowMod() => MessageCodec.Encode(_brTun, _buffer);

    [Benchmark]
    public int EncodeLearnFlowMod() => MessageCodec.Encode(_learn, _buffer);

    [Benchmark]
    public int EncodePacketIn() => MessageCodec.Encode(_packetInMessage, _buffer);

    [Benchmark]
    public OfpMessage DecodePacketIn() => MessageCodec.Decode(_packetIn);

    [Benchmark]
    public OfpMessage DecodeBrTunFlowMod() => MessageCodec.Decode(_brTunBytes);

    [Benchmark]
    public OfpMessage DecodeLearnFlowMod() => MessageCodec.Decode(_learnBytes);
}
