using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Why a port changed (<c>enum ofp_port_reason</c>).</summary>
public enum PortReason : byte
{
    Add = 0,
    Delete = 1,
    Modify = 2,
}

/// <summary>OFPT_PORT_STATUS (<c>struct ofp_port_status</c>): header | reason(1) | pad(7) | ofp_port(64).</summary>
public sealed record PortStatus : OfpMessage
{
    public override OfpType Type => OfpType.PortStatus;

    public PortReason Reason { get; init; }

    public Port Desc { get; init; } = new();

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt8((byte)Reason);
        writer.WriteZeros(7);
        Desc.Write(ref writer);
    }

    public static PortStatus Read(ref OfpReader r, in OfpHeader h)
    {
        var reason = (PortReason)r.ReadUInt8();
        r.Skip(7);
        var desc = Port.Read(ref r);
        r.ExpectEnd("PORT_STATUS");
        return new PortStatus { Xid = h.Xid, Reason = reason, Desc = desc };
    }
}
