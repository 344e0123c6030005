using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_TABLE_MOD (<c>struct ofp_table_mod</c>): header | table_id(1) | pad(3) | config(4).</summary>
/// <remarks>In OpenFlow 1.3 every config bit is deprecated; <see cref="Config"/> is kept as the raw value.</remarks>
public sealed record TableMod : OfpMessage
{
    public override OfpType Type => OfpType.TableMod;

    public byte TableId { get; init; } = OfpConstants.AllTables;

    public uint Config { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt8(TableId);
        writer.WriteZeros(3);
        writer.WriteUInt32(Config);
    }

    public static TableMod Read(ref OfpReader r, in OfpHeader h)
    {
        var table = r.ReadUInt8();
        r.Skip(3);
        var m = new TableMod { Xid = h.Xid, TableId = table, Config = r.ReadUInt32() };
        r.ExpectEnd("TABLE_MOD");
        return m;
    }
}
