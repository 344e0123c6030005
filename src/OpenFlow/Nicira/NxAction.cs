using OpenFlow.Actions;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// Base of the Nicira extension actions (OFPAT_EXPERIMENTER, experimenter 0x00002320).
/// </summary>
/// <remarks>
/// <code>
/// type(2)=0xffff | len(2) | experimenter(4)=0x00002320 | subtype(2) | body... | pad to 8
/// </code>
/// </remarks>
public abstract record NxAction : OfpAction
{
    public const uint NiciraExperimenter = OfpConstants.NiciraExperimenter;

    public sealed override ActionType Type => ActionType.Experimenter;

    public abstract NxSubtype Subtype { get; }

    public sealed override void Write(ref OfpWriter w)
    {
        var start = BeginTlv(ref w, ActionType.Experimenter, out var len);
        w.WriteUInt32(NiciraExperimenter);
        w.WriteUInt16((ushort)Subtype);
        WriteBody(ref w);
        EndTlv(ref w, start, len);
    }

    /// <summary>Writes what follows the subtype; padding is added by the caller.</summary>
    protected abstract void WriteBody(ref OfpWriter w);

    /// <summary>
    /// Decodes a Nicira action whose reader is positioned after the subtype; returns null for a
    /// subtype this library does not know (the caller keeps it as a raw <see cref="ExperimenterAction"/>).
    /// </summary>
    internal static NxAction? ReadBody(NxSubtype subtype, ref OfpReader r) => subtype switch
    {
        NxSubtype.Resubmit => NxResubmit.ReadResubmit(ref r),
        NxSubtype.ResubmitTable => NxResubmit.ReadResubmitTable(ref r),
        NxSubtype.RegLoad => NxRegLoad.ReadBody(ref r),
        NxSubtype.RegMove => NxRegMove.ReadBody(ref r),
        NxSubtype.Note => NxNote.ReadBody(ref r),
        NxSubtype.Learn => NxLearn.ReadBody(ref r),
        _ => null,
    };

    /// <summary>Requires the remaining bytes to be zero padding shorter than 8 (so re-encoding is identical).</summary>
    internal static void ExpectPadding(ref OfpReader r, string what)
    {
        var at = r.Offset;
        var rest = r.ReadBytes(r.Remaining);
        if (rest.Length >= 8)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadLen, at, $"{what}: {rest.Length} bytes of padding");
        }

        if (rest.IndexOfAnyExcept((byte)0) >= 0)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, at, $"{what}: non-zero padding");
        }
    }

    /// <summary>Packs an NXM bit range as OVS's <c>ofs_nbits</c>: ofs &lt;&lt; 6 | (n_bits - 1).</summary>
    internal static ushort OfsNbits(int offset, int nBits) => (ushort)((offset << 6) | (nBits - 1));
}
