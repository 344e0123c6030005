using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>NXAST_NOTE (subtype 8): opaque bytes that the switch ignores (useful as a flow comment).</summary>
/// <remarks>
/// <code>
/// ... subtype(2)=8 | note bytes | zero pad to 8            (at least 16 bytes in all)
/// </code>
/// Zero padding is indistinguishable from trailing zero note bytes; decoding drops trailing zeros
/// that re-encoding would add back, so <c>new NxNote([1,2,3])</c> equals its own decoded form.
/// </remarks>
public sealed record NxNote(Octets Note) : NxAction
{
    public override NxSubtype Subtype => NxSubtype.Note;

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteBytes(Note.Span);
        if (Note.Length < 6)
        {
            // OVS writes at least 6 note bytes (the action is never shorter than 16).
            w.WriteZeros(6 - Note.Length);
        }
    }

    internal static NxNote ReadBody(ref OfpReader r)
    {
        var bytes = r.ReadBytes(r.Remaining);

        // Keep the shortest prefix that encodes back to the same padded length: 10 + k rounded up to 8,
        // and never below the 16-byte minimum.
        var total = bytes.Length + 10;
        var keep = bytes.Length;
        var minimum = Math.Max(total - 17, 0);
        while (keep > minimum && bytes[keep - 1] == 0)
        {
            keep--;
        }

        return new NxNote(Octets.CopyOf(bytes[..keep]));
    }

    public override string ToString() => $"NxNote {{ Note = {Note} }}";
}
