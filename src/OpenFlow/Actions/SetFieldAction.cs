using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>OFPAT_SET_FIELD: type(2) len(2) | one OXM TLV (unmasked) | pad to 8.</summary>
/// <remarks>Decoding rejects a masked OXM (BAD_SET_ARGUMENT) and OXM-level length errors (BAD_MATCH/BAD_LEN).</remarks>
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
        if (f.HasMask)
        {
            // OpenFlow 1.3 set-field carries no mask (masked set_field is OF1.5); OVS rejects it too.
            throw OfpDecodeException.BadAction(BadActionCode.BadSetArgument, at, "masked OXM in SET_FIELD");
        }

        if (r.Remaining >= 8)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadLen, at, "SET_FIELD longer than its field and padding");
        }

        r.Skip(r.Remaining);
        return new SetFieldAction(f);
    }
}
