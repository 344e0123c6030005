using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>
/// OFPAT_EXPERIMENTER that this library does not decode further: type(2) len(2) | experimenter(4) | data.
/// The data is kept verbatim (including padding) so re-encoding is byte-identical.
/// </summary>
public sealed record ExperimenterAction(uint Experimenter, Octets Data) : OfpAction
{
    public override ActionType Type => ActionType.Experimenter;

    public override void Write(ref OfpWriter w)
    {
        var start = BeginTlv(ref w, ActionType.Experimenter, out var len);
        w.WriteUInt32(Experimenter);
        w.WriteBytes(Data.Span);
        EndTlv(ref w, start, len);
    }

    internal static OfpAction ReadBody(ref OfpReader r)
    {
        var exp = r.ReadUInt32();
        return new ExperimenterAction(exp, Octets.CopyOf(r.ReadBytes(r.Remaining)));
    }
}
