using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// NXAST_RESUBMIT (subtype 1, no table) or NXAST_RESUBMIT_TABLE (subtype 14): re-run the pipeline
/// lookup with a different in_port and/or table. <see cref="Table"/> null selects subtype 1.
/// </summary>
/// <remarks>
/// <code>
/// NXAST_RESUBMIT:       ... subtype(2)=1  | in_port(2) | pad(4)             = 16 bytes
/// NXAST_RESUBMIT_TABLE: ... subtype(2)=14 | in_port(2) | table(1) | pad(3) = 16 bytes
/// </code>
/// OVS 3.1 encodes even <c>resubmit:3</c> as RESUBMIT_TABLE with table 255 in OF1.3.
/// </remarks>
public sealed record NxResubmit(ushort InPort = NxResubmit.InPortUnchanged, byte? Table = null) : NxAction
{
    /// <summary>OFPP_IN_PORT in 16 bits: keep the packet's in_port.</summary>
    public const ushort InPortUnchanged = 0xfff8;

    /// <summary>Table 255: resubmit to the current table.</summary>
    public const byte TableUnchanged = 0xff;

    public override NxSubtype Subtype => Table is null ? NxSubtype.Resubmit : NxSubtype.ResubmitTable;

    /// <summary><c>resubmit(,table)</c>.</summary>
    public static NxResubmit ToTable(byte table) => new(InPortUnchanged, table);

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16(InPort);
        if (Table is { } t)
        {
            w.WriteUInt8(t);
            w.WriteZeros(3);
        }
        else
        {
            w.WriteZeros(4);
        }
    }

    internal static NxResubmit ReadResubmit(ref OfpReader r)
    {
        var a = new NxResubmit(r.ReadUInt16());
        ExpectPadding(ref r, "NXAST_RESUBMIT");
        return a;
    }

    internal static NxResubmit ReadResubmitTable(ref OfpReader r)
    {
        var port = r.ReadUInt16();
        var table = r.ReadUInt8();
        ExpectPadding(ref r, "NXAST_RESUBMIT_TABLE");
        return new NxResubmit(port, table);
    }
}
