using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_FEATURES_REQUEST: header only.</summary>
public sealed record FeaturesRequest : OfpMessage
{
    public override OfpType Type => OfpType.FeaturesRequest;

    public override void WriteBody(ref OfpWriter writer)
    {
    }

    public static FeaturesRequest Read(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("FEATURES_REQUEST");
        return new FeaturesRequest { Xid = h.Xid };
    }
}

/// <summary>Switch capabilities (<c>enum ofp_capabilities</c>).</summary>
[Flags]
public enum Capabilities : uint
{
    None = 0,
    FlowStats = 1 << 0,
    TableStats = 1 << 1,
    PortStats = 1 << 2,
    GroupStats = 1 << 3,
    IpReasm = 1 << 5,
    QueueStats = 1 << 6,
    PortBlocked = 1 << 8,
}

/// <summary>OFPT_FEATURES_REPLY (<c>struct ofp_switch_features</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | datapath_id(8) | n_buffers(4) | n_tables(1) | auxiliary_id(1) | pad(2) | capabilities(4) | reserved(4)
/// </code>
/// </remarks>
public sealed record FeaturesReply : OfpMessage
{
    public override OfpType Type => OfpType.FeaturesReply;

    public DatapathId DatapathId { get; init; }

    public uint NBuffers { get; init; }

    public byte NTables { get; init; }

    public byte AuxiliaryId { get; init; }

    public Capabilities Capabilities { get; init; }

    public uint Reserved { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt64(DatapathId.Value);
        writer.WriteUInt32(NBuffers);
        writer.WriteUInt8(NTables);
        writer.WriteUInt8(AuxiliaryId);
        writer.WriteZeros(2);
        writer.WriteUInt32((uint)Capabilities);
        writer.WriteUInt32(Reserved);
    }

    public static FeaturesReply Read(ref OfpReader r, in OfpHeader h)
    {
        var m = new FeaturesReply
        {
            Xid = h.Xid,
            DatapathId = new DatapathId(r.ReadUInt64()),
            NBuffers = r.ReadUInt32(),
            NTables = r.ReadUInt8(),
            AuxiliaryId = r.ReadUInt8(),
        };
        r.Skip(2);
        m = m with { Capabilities = (Capabilities)r.ReadUInt32(), Reserved = r.ReadUInt32() };
        r.ExpectEnd("FEATURES_REPLY");
        return m;
    }
}
