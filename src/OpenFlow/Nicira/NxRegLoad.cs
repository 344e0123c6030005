using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>NXAST_REG_LOAD (subtype 7): load an immediate into bits [Offset, Offset+NBits) of a field.</summary>
/// <remarks>
/// <code>
/// ... subtype(2)=7 | ofs_nbits(2) = ofs &lt;&lt; 6 | (n_bits - 1) | dst(4) | value(8)   = 24 bytes
/// </code>
/// </remarks>
public sealed record NxRegLoad : NxAction
{
    public NxRegLoad(NxmHeader destination, int offset, int nBits, ulong value)
    {
        if (destination.IsExperimenter)
        {
            throw new ArgumentException("NXAST_REG_LOAD carries a 32-bit header only", nameof(destination));
        }

        if (nBits is < 1 or > 64 || offset is < 0 or > 1023)
        {
            throw new ArgumentOutOfRangeException(nameof(nBits), $"bits [{offset}..{offset + nBits - 1}] not encodable");
        }

        Destination = destination;
        Offset = offset;
        NBits = nBits;
        Value = value;
    }

    /// <summary>Loads the whole field.</summary>
    public NxRegLoad(NxmHeader destination, ulong value)
        : this(destination, 0, Math.Min(destination.BitWidth, 64), value)
    {
    }

    public NxmHeader Destination { get; }

    public int Offset { get; }

    public int NBits { get; }

    public ulong Value { get; }

    public override NxSubtype Subtype => NxSubtype.RegLoad;

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16(OfsNbits(Offset, NBits));
        w.WriteUInt32(Destination.Raw);
        w.WriteUInt64(Value);
    }

    internal static NxRegLoad ReadBody(ref OfpReader r)
    {
        var at = r.Offset;
        var ofsNbits = r.ReadUInt16();
        var dst = r.ReadUInt32();
        var value = r.ReadUInt64();
        r.ExpectEnd("NXAST_REG_LOAD");
        if ((dst >> 16) == OxmClass.Experimenter)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, at, "NXAST_REG_LOAD with an experimenter header");
        }

        return new NxRegLoad(new NxmHeader(dst), ofsNbits >> 6, (ofsNbits & 0x3f) + 1, value);
    }
}
