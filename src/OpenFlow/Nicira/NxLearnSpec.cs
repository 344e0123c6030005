using System.Globalization;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>One flow spec of an NXAST_LEARN action (<c>struct nx_flow_mod_spec</c>).</summary>
/// <remarks>
/// <code>
/// header(2): reserved(2) | src_type(1) | dst_type(2) | n_bits(11)
/// src:  field header(4|8) + ofs(2)          when src_type = 0 (field)
///       value, 2 * ceil(n_bits / 16) bytes  when src_type = 1 (immediate)
/// dst:  field header(4|8) + ofs(2)          for Match and Load; nothing for Output
/// </code>
/// </remarks>
public sealed record NxLearnSpec
{
    private NxLearnSpec(NxLearnSpecKind kind, int nBits, NxmHeader? source, int sourceOffset, Octets value, NxmHeader? destination, int destinationOffset)
    {
        if (nBits is < 1 or > 0x7ff)
        {
            throw new ArgumentOutOfRangeException(nameof(nBits), nBits, "n_bits is 1..2047");
        }

        if (sourceOffset is < 0 or > ushort.MaxValue || destinationOffset is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceOffset), "offsets are 16 bits");
        }

        if (source is null && value.Length != ImmediateLength(nBits))
        {
            throw new ArgumentException($"an immediate of {nBits} bits is {ImmediateLength(nBits)} bytes", nameof(value));
        }

        Kind = kind;
        NBits = nBits;
        Source = source;
        SourceOffset = sourceOffset;
        Value = value;
        Destination = destination;
        DestinationOffset = destinationOffset;
    }

    public NxLearnSpecKind Kind { get; }

    public int NBits { get; }

    /// <summary>The source field; null when the source is the immediate <see cref="Value"/>.</summary>
    public NxmHeader? Source { get; }

    public int SourceOffset { get; }

    /// <summary>The immediate source (2 * ceil(NBits/16) bytes, big-endian); empty for a field source.</summary>
    public Octets Value { get; }

    /// <summary>The destination field; null for <see cref="NxLearnSpecKind.Output"/>.</summary>
    public NxmHeader? Destination { get; }

    public int DestinationOffset { get; }

    public bool IsImmediate => Source is null;

    /// <summary>Bytes on the wire.</summary>
    public int WireLength =>
        2 + (Source is { } s ? s.WireLength + 2 : Value.Length) + (Destination is { } d ? d.WireLength + 2 : 0);

    /// <summary><c>dst[dstOfs..] = src[srcOfs..]</c> as a match: the learned flow matches dst on the value src had.</summary>
    public static NxLearnSpec MatchField(NxmHeader destination, int destinationOffset, NxmHeader source, int sourceOffset, int nBits) =>
        new(NxLearnSpecKind.Match, nBits, source, sourceOffset, default, destination, destinationOffset);

    /// <summary><c>FIELD[]</c>: match the whole field on the value it has in the packet.</summary>
    public static NxLearnSpec MatchField(NxmHeader field) => MatchField(field, 0, field, 0, field.BitWidth);

    /// <summary><c>FIELD[ofs..ofs+nBits-1]</c>: match part of a field on its own value.</summary>
    public static NxLearnSpec MatchField(NxmHeader field, int offset, int nBits) => MatchField(field, offset, field, offset, nBits);

    /// <summary><c>DST[]=SRC[]</c> over whole fields of equal width.</summary>
    public static NxLearnSpec MatchField(NxmHeader destination, NxmHeader source) => MatchField(destination, 0, source, 0, destination.BitWidth);

    /// <summary><c>dst[dstOfs..]=value</c>: match on a constant.</summary>
    public static NxLearnSpec MatchValue(NxmHeader destination, int destinationOffset, int nBits, ulong value) =>
        new(NxLearnSpecKind.Match, nBits, null, 0, Immediate(value, nBits), destination, destinationOffset);

    /// <summary>Match on a constant given as big-endian bytes of 2 * ceil(nBits/16).</summary>
    public static NxLearnSpec MatchValue(NxmHeader destination, int destinationOffset, int nBits, Octets value) =>
        new(NxLearnSpecKind.Match, nBits, null, 0, value, destination, destinationOffset);

    /// <summary><c>load:SRC[srcOfs..]-&gt;DST[dstOfs..]</c>.</summary>
    public static NxLearnSpec LoadField(NxmHeader source, int sourceOffset, NxmHeader destination, int destinationOffset, int nBits) =>
        new(NxLearnSpecKind.Load, nBits, source, sourceOffset, default, destination, destinationOffset);

    /// <summary><c>load:SRC[]-&gt;DST[]</c> over whole fields.</summary>
    public static NxLearnSpec LoadField(NxmHeader source, NxmHeader destination) => LoadField(source, 0, destination, 0, destination.BitWidth);

    /// <summary><c>load:value-&gt;DST[dstOfs..]</c>.</summary>
    public static NxLearnSpec LoadValue(ulong value, NxmHeader destination, int destinationOffset, int nBits) =>
        new(NxLearnSpecKind.Load, nBits, null, 0, Immediate(value, nBits), destination, destinationOffset);

    /// <summary><c>load:value-&gt;DST[]</c> (whole field).</summary>
    public static NxLearnSpec LoadValue(ulong value, NxmHeader destination) => LoadValue(value, destination, 0, destination.BitWidth);

    /// <summary>Load a constant given as big-endian bytes of 2 * ceil(nBits/16).</summary>
    public static NxLearnSpec LoadValue(Octets value, NxmHeader destination, int destinationOffset, int nBits) =>
        new(NxLearnSpecKind.Load, nBits, null, 0, value, destination, destinationOffset);

    /// <summary><c>output:SRC[ofs..]</c>: output to the port number held in the source field.</summary>
    public static NxLearnSpec OutputField(NxmHeader source, int sourceOffset, int nBits) =>
        new(NxLearnSpecKind.Output, nBits, source, sourceOffset, default, null, 0);

    /// <summary><c>output:SRC[]</c>.</summary>
    public static NxLearnSpec OutputField(NxmHeader source) => OutputField(source, 0, source.BitWidth);

    /// <summary>Length in bytes of an immediate value of <paramref name="nBits"/> bits.</summary>
    public static int ImmediateLength(int nBits) => 2 * ((nBits + 15) / 16);

    private static Octets Immediate(ulong value, int nBits)
    {
        var len = ImmediateLength(nBits);
        var b = new byte[len];
        for (var i = len - 1; i >= 0 && i >= len - 8; i--)
        {
            b[i] = (byte)value;
            value >>= 8;
        }

        return b;
    }

    private ushort Header => (ushort)(((Source is null ? 1 : 0) << 13) | ((int)Kind << 11) | NBits);

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt16(Header);
        if (Source is { } s)
        {
            s.Write(ref w);
            w.WriteUInt16((ushort)SourceOffset);
        }
        else
        {
            w.WriteBytes(Value.Span);
        }

        if (Destination is { } d)
        {
            d.Write(ref w);
            w.WriteUInt16((ushort)DestinationOffset);
        }
    }

    /// <summary>Reads one spec; the caller has checked that its header is not the zero terminator.</summary>
    public static NxLearnSpec Read(ref OfpReader r)
    {
        var at = r.Offset;
        var header = r.ReadUInt16();
        var nBits = header & 0x7ff;
        var immediate = (header & 0x2000) != 0;
        var kind = (header >> 11) & 3;
        if ((header & 0xc000) != 0 || kind == 3 || nBits == 0 || (immediate && kind == (int)NxLearnSpecKind.Output))
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, at, string.Create(CultureInfo.InvariantCulture, $"bad learn spec header 0x{header:x4}"));
        }

        NxmHeader? src = null;
        var srcOfs = 0;
        var value = default(Octets);
        if (immediate)
        {
            value = Octets.CopyOf(r.ReadBytes(ImmediateLength(nBits)));
        }
        else
        {
            src = NxmHeader.Read(ref r);
            srcOfs = r.ReadUInt16();
        }

        NxmHeader? dst = null;
        var dstOfs = 0;
        if (kind != (int)NxLearnSpecKind.Output)
        {
            dst = NxmHeader.Read(ref r);
            dstOfs = r.ReadUInt16();
        }

        return new NxLearnSpec((NxLearnSpecKind)kind, nBits, src, srcOfs, value, dst, dstOfs);
    }
}
