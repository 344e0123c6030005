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

    /// <summary>
    /// Decodes the body after type and length. Nicira actions (experimenter 0x00002320) whose subtype
    /// this library knows become <see cref="Nicira.NxAction"/>s; anything else stays raw.
    /// </summary>
    internal static OfpAction ReadBody(ref OfpReader r)
    {
        var exp = r.ReadUInt32();
        if (exp == Nicira.NxAction.NiciraExperimenter && r.Remaining >= 2)
        {
            var body = r;
            var subtype = (Nicira.NxSubtype)body.ReadUInt16();
            if (Nicira.NxAction.ReadBody(subtype, ref body) is { } nx)
            {
                r = body;
                return nx;
            }
        }

        return new ExperimenterAction(exp, Octets.CopyOf(r.ReadBytes(r.Remaining)));
    }
}
