using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_PACKET_OUT (<c>struct ofp_packet_out</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | buffer_id(4) | in_port(4) | actions_len(2) | pad(6) | actions(actions_len) | data...
/// </code>
/// Data is present only when buffer_id is OFP_NO_BUFFER.
/// </remarks>
public sealed record PacketOut : OfpMessage
{
    public override OfpType Type => OfpType.PacketOut;

    public uint BufferId { get; init; } = OfpConstants.NoBuffer;

    public uint InPort { get; init; } = OfpPort.Controller;

    public ImmutableArray<OfpAction> Actions { get; init; } = [];

    public Octets Data { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(BufferId);
        writer.WriteUInt32(InPort);
        var len = writer.ReserveUInt16();
        writer.WriteZeros(6);
        var start = writer.Position;
        OfpAction.WriteList(ref writer, Actions);
        writer.PatchLength(len, start);
        writer.WriteBytes(Data.Span);
    }

    public static PacketOut Read(ref OfpReader r, in OfpHeader h)
    {
        var buffer = r.ReadUInt32();
        var inPort = r.ReadUInt32();
        var actionsLen = r.ReadUInt16();
        r.Skip(6);
        var a = r.Slice(actionsLen);
        var actions = OfpAction.ReadList(ref a);
        return new PacketOut
        {
            Xid = h.Xid,
            BufferId = buffer,
            InPort = inPort,
            Actions = actions,
            Data = Octets.CopyOf(r.ReadBytes(r.Remaining)),
        };
    }

    public bool Equals(PacketOut? other) =>
        other is not null && Xid == other.Xid && BufferId == other.BufferId && InPort == other.InPort
        && Actions.SequenceEqual(other.Actions) && Data.Equals(other.Data);

    public override int GetHashCode() => HashCode.Combine(Xid, BufferId, InPort, Actions.Length, Data);
}
