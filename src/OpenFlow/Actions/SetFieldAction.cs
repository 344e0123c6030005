using OpenFlow.Oxm;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_SET_FIELD: type(2) len(2) | one OXM TLV (unmasked) | pad to 8.</summary>
public sealed record SetFieldAction(OxmField Field) : OfpAction
{
    public override ActionType Type => ActionType.SetField;

    public override void Write(ref OfpWriter w)
    {
        var start = BeginTlv(ref w, ActionType.SetField, out var len);
        Field.Write(ref w);
        EndTlv(ref w, start, len);
    }

    internal static SetFieldAction ReadBody(ref OfpReader r)
    {
        var at = r.Offset;
        var f = OxmField.Read(ref r);
        if (r.Remaining >= 8)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadLen, at, "SET_FIELD longer than its field and padding");
        }

        r.Skip(r.Remaining);
        return new SetFieldAction(f);
    }
}
