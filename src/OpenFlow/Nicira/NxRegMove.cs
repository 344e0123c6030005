using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>NXAST_REG_MOVE (subtype 6): copy NBits bits from one field range to another.</summary>
/// <remarks>
/// <code>
/// ... subtype(2)=6 | n_bits(2) | src_ofs(2) | dst_ofs(2) | src header(4|8) | dst header(4|8) | pad to 8
/// </code>
/// </remarks>
public sealed record NxRegMove : NxAction
{
    public NxRegMove(NxmHeader source, int sourceOffset, NxmHeader destination, int destinationOffset, int nBits)
    {
        if (nBits is < 1 or > ushort.MaxValue || sourceOffset is < 0 or > ushort.MaxValue || destinationOffset is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(nBits), "bit range not encodable");
        }

        Source = source;
        SourceOffset = sourceOffset;
        Destination = destination;
        DestinationOffset = destinationOffset;
        NBits = nBits;
    }

    /// <summary>Moves a whole field into another of the same width (<c>move:A[]-&gt;B[]</c>).</summary>
    public NxRegMove(NxmHeader source, NxmHeader destination)
        : this(source, 0, destination, 0, source.BitWidth)
    {
    }

    public NxmHeader Source { get; }

    public int SourceOffset { get; }

    public NxmHeader Destination { get; }

    public int DestinationOffset { get; }

    public int NBits { get; }

    public override NxSubtype Subtype => NxSubtype.RegMove;

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16((ushort)NBits);
        w.WriteUInt16((ushort)SourceOffset);
        w.WriteUInt16((ushort)DestinationOffset);
        Source.Write(ref w);
        Destination.Write(ref w);
    }

    internal static NxRegMove ReadBody(ref OfpReader r)
    {
        var at = r.Offset;
        var nBits = r.ReadUInt16();
        var srcOfs = r.ReadUInt16();
        var dstOfs = r.ReadUInt16();
        var src = NxmHeader.Read(ref r);
        var dst = NxmHeader.Read(ref r);
        ExpectPadding(ref r, "NXAST_REG_MOVE");
        if (nBits == 0)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, at, "NXAST_REG_MOVE of zero bits");
        }

        return new NxRegMove(src, srcOfs, dst, dstOfs, nBits);
    }
}
