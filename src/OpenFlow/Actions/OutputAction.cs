using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_OUTPUT: type(2) len(2)=16 | port(4) | max_len(2) | pad(6).</summary>
public sealed record OutputAction(uint Port, ushort MaxLen = OfpConstants.ControllerMaxLenNoBuffer) : OfpAction
{
    public override ActionType Type => ActionType.Output;

    public override void Write(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)ActionType.Output);
        w.WriteUInt16(16);
        w.WriteUInt32(Port);
        w.WriteUInt16(MaxLen);
        w.WriteZeros(6);
    }

    internal static OutputAction ReadBody(ref OfpReader r)
    {
        var a = new OutputAction(r.ReadUInt32(), r.ReadUInt16());
        r.Skip(6);
        r.ExpectEnd("OUTPUT action");
        return a;
    }
}
