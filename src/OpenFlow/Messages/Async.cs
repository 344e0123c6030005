using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_GET_ASYNC_REQUEST: header only.</summary>
public sealed record GetAsyncRequest : OfpMessage
{
    public override OfpType Type => OfpType.GetAsyncRequest;

    public override void WriteBody(ref OfpWriter writer)
    {
    }

    public static GetAsyncRequest Read(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("GET_ASYNC_REQUEST");
        return new GetAsyncRequest { Xid = h.Xid };
    }
}

/// <summary>
/// The masks of <c>struct ofp_async_config</c>: for each of packet-in reasons, port-status reasons and
/// flow-removed reasons, a bitmap (bit n = reason n) for master/equal and one for slave.
/// </summary>
/// <remarks>
/// <code>
/// packet_in_mask[2](8) | port_status_mask[2](8) | flow_removed_mask[2](8)   (index 0 master/equal, 1 slave)
/// </code>
/// </remarks>
public readonly record struct AsyncConfig(
    uint PacketInMaster,
    uint PacketInSlave,
    uint PortStatusMaster,
    uint PortStatusSlave,
    uint FlowRemovedMaster,
    uint FlowRemovedSlave)
{
    internal void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PacketInMaster);
        w.WriteUInt32(PacketInSlave);
        w.WriteUInt32(PortStatusMaster);
        w.WriteUInt32(PortStatusSlave);
        w.WriteUInt32(FlowRemovedMaster);
        w.WriteUInt32(FlowRemovedSlave);
    }

    internal static AsyncConfig Read(ref OfpReader r, string what)
    {
        var c = new AsyncConfig(r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32());
        r.ExpectEnd(what);
        return c;
    }
}

/// <summary>OFPT_GET_ASYNC_REPLY: header | <see cref="AsyncConfig"/>.</summary>
public sealed record GetAsyncReply : OfpMessage
{
    public override OfpType Type => OfpType.GetAsyncReply;

    public AsyncConfig Config { get; init; }

    public override void WriteBody(ref OfpWriter writer) => Config.Write(ref writer);

    public static GetAsyncReply Read(ref OfpReader r, in OfpHeader h) =>
        new() { Xid = h.Xid, Config = AsyncConfig.Read(ref r, "GET_ASYNC_REPLY") };
}

/// <summary>OFPT_SET_ASYNC: header | <see cref="AsyncConfig"/>.</summary>
public sealed record SetAsync : OfpMessage
{
    public override OfpType Type => OfpType.SetAsync;

    public AsyncConfig Config { get; init; }

    public override void WriteBody(ref OfpWriter writer) => Config.Write(ref writer);

    public static SetAsync Read(ref OfpReader r, in OfpHeader h) =>
        new() { Xid = h.Xid, Config = AsyncConfig.Read(ref r, "SET_ASYNC") };
}
