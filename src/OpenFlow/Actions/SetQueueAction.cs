using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_SET_QUEUE: type(2) len(2)=8 | queue_id(4).</summary>
public sealed record SetQueueAction(uint QueueId) : OfpAction
{
    public override ActionType Type => ActionType.SetQueue;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.SetQueue);
        w.WriteUInt16(8);
        w.WriteUInt32(QueueId);
    }

    internal static SetQueueAction ReadBody(ref OfpReader r)
    {
        var a = new SetQueueAction(r.ReadUInt32());
        r.ExpectEnd("SET_QUEUE action");
        return a;
    }
}
