using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_ECHO_REQUEST: header followed by arbitrary data the peer echoes back.</summary>
public sealed record EchoRequest : OfpMessage
{
    public override OfpType Type => OfpType.EchoRequest;

    public Octets Data { get; init; }

    public override void WriteBody(ref OfpWriter writer) => writer.WriteBytes(Data.Span);

    public static EchoRequest Read(ref OfpReader r, in OfpHeader h) =>
        new() { Xid = h.Xid, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
}

/// <summary>OFPT_ECHO_REPLY: carries the request's data and xid.</summary>
public sealed record EchoReply : OfpMessage
{
    public override OfpType Type => OfpType.EchoReply;

    public Octets Data { get; init; }

    public override void WriteBody(ref OfpWriter writer) => writer.WriteBytes(Data.Span);

    public static EchoReply Read(ref OfpReader r, in OfpHeader h) =>
        new() { Xid = h.Xid, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
}
