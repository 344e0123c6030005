using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_BARRIER_REQUEST: header only.</summary>
public sealed record BarrierRequest : OfpMessage
{
    public override OfpType Type => OfpType.BarrierRequest;

    public override void WriteBody(ref OfpWriter writer)
    {
    }

    public static BarrierRequest Read(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("BARRIER_REQUEST");
        return new BarrierRequest { Xid = h.Xid };
    }
}

/// <summary>OFPT_BARRIER_REPLY: header only, with the request's xid.</summary>
public sealed record BarrierReply : OfpMessage
{
    public override OfpType Type => OfpType.BarrierReply;

    public override void WriteBody(ref OfpWriter writer)
    {
    }

    public static BarrierReply Read(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("BARRIER_REPLY");
        return new BarrierReply { Xid = h.Xid };
    }
}
